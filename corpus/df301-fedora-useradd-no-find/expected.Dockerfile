FROM fedora:40
COPY app /usr/local/bin/app
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --create-home \
        --home-dir /home/app --shell /sbin/nologin app
USER 10001:10001
CMD ["app"]
