FROM registry.access.redhat.com/ubi9/ubi:9.4
RUN dnf install -y python3 && dnf clean all
COPY app.py /opt/app/
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --create-home \
        --home-dir /home/app --shell /sbin/nologin app \
    && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
USER 10001:10001
CMD ["python3", "/opt/app/app.py"]
