FROM alpine:3.20
RUN addgroup -S -g 1000 app && adduser -S -D -u 1000 -G app app
USER app
RUN echo built > /tmp/built
USER root
RUN apk add --no-cache tini \
    && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
USER app
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["sh"]
