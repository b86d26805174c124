ARG BASE=python:3.12-slim
FROM --platform=$BUILDPLATFORM ${BASE} as builder
run --mount=type=cache,target=/root/.cache/pip --network=none \
    pip install -r requirements.txt
Copy --from=builder --chown=1000:1000 --link /src /app
healthcheck --interval=30s CMD curl -f http://localhost/ || exit 1
onbuild copy . /app
Entrypoint ["python", "-m", "app"]
EXPOSE 8080/tcp 9090
USER 10001:10001
