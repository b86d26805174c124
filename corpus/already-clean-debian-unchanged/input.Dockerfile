# syntax=docker/dockerfile:1
FROM debian:12-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        curl \
    && rm -rf /var/lib/apt/lists/*
COPY --chown=1000:1000 app.py /app/
WORKDIR /app
USER 1000
CMD ["python3", "app.py"]
