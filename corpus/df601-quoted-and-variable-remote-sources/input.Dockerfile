# syntax=docker/dockerfile:1
ARG JAEGERUI_REPO=https://github.com/jaegertracing/jaeger-ui.git
FROM node:20-bookworm AS ui
ARG JAEGERUI_REPO
ARG REF=v1.60.0
ADD ${JAEGERUI_REPO}#${REF} /src/jaeger-ui
ADD "git@github.com:moby/buildkit.git" /src/buildkit
ADD 'https://example.com/tool.tar.gz' /opt/
ENV CONFIG_URL=https://example.com/config.yaml
ADD $CONFIG_URL /etc/app/
ARG PLUGIN_REPO
ADD ${PLUGIN_REPO}#main /src/plugin
ADD "file.tgz" /usr/src/app/
ADD 'a.tar.gz' /x/
ADD ["file.tgz", "/usr/src/json/"]
