FROM debian:12
RUN useradd --no-log-init -r -u 999 svc
COPY app /app
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
USER 999
CMD ["/app"]
