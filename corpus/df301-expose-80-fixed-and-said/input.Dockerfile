FROM debian:12
COPY site /var/www
EXPOSE 80
CMD ["busybox", "httpd", "-f", "-p", "80"]
