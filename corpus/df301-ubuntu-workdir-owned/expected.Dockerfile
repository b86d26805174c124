FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/app
COPY app.py .
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --create-home \
        --home-dir /home/app --shell /usr/sbin/nologin app \
    && mkdir -p /srv/app && chown 10001:10001 /srv/app \
    && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
USER 10001:10001
CMD ["python3", "app.py"]
