FROM registry.suse.com/bci/bci-base:15.6
COPY app /app
RUN echo 'app:x:10001:' >> /etc/group \
    && echo 'app:x:10001:10001::/home/app:/sbin/nologin' >> /etc/passwd \
    && mkdir -p /home/app && chown 10001:10001 /home/app
USER 10001:10001
CMD ["/app"]
