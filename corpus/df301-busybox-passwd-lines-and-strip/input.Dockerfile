FROM busybox:1.36
COPY httpd.conf /etc/httpd.conf
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080"]
