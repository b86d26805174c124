FROM debian:12
RUN useradd --no-log-init -r -u 999 svc
COPY app /app
CMD ["/app"]
