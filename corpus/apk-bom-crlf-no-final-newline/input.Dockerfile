FROM alpine:3.20
RUN apk add curl jq
ADD entrypoint.sh /usr/local/bin/
USER 1000
CMD ["entrypoint.sh"]