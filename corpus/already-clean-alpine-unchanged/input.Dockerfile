FROM alpine:3.20
RUN apk add --no-cache ca-certificates tzdata \
    && adduser -D -u 10001 app
COPY --chown=app:app bin/ /usr/local/bin/
USER app
ENTRYPOINT ["server"]
