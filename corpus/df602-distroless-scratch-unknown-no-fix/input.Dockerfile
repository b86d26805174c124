# syntax=docker/dockerfile:1
FROM registry.example.com/platform/toolbox:2024.06 AS fetch
RUN curl -fsSL https://example.com/releases/agent-1.4.2.tar.gz | tar -xz -C /opt

FROM gcr.io/distroless/base-debian12:debug AS probe
SHELL ["/busybox/sh", "-c"]
COPY --from=fetch /opt/agent /opt/agent
RUN /opt/agent/bin/agent --version | tee /opt/agent/VERSION

FROM scratch
COPY --from=probe /opt/agent /opt/agent
RUN --mount=from=busybox:1.36-musl,src=/bin,dst=/bin find /opt/agent -type f | sort > /opt/agent/MANIFEST
ENTRYPOINT ["/opt/agent/bin/agent"]
