FROM busybox:1.36
COPY httpd.conf /etc/httpd.conf
RUN echo 'app:x:10001:' >> /etc/group \
    && echo 'app:x:10001:10001::/home/app:/sbin/nologin' >> /etc/passwd \
    && mkdir -p /home/app && chown 10001:10001 /home/app \
    && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
USER 10001:10001
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080"]
