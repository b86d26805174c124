FROM debian:12
COPY site /var/www
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --create-home \
        --home-dir /home/app --shell /usr/sbin/nologin app \
    && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
USER 10001:10001
EXPOSE 80
CMD ["busybox", "httpd", "-f", "-p", "80"]
