FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install -y python3 && microdnf clean all
COPY app.py /opt/app/
RUN echo 'app:x:10001:' >> /etc/group \
    && echo 'app:x:10001:10001::/home/app:/sbin/nologin' >> /etc/passwd \
    && mkdir -p /home/app && chown 10001:10001 /home/app
USER 10001:10001
CMD ["python3", "/opt/app/app.py"]
