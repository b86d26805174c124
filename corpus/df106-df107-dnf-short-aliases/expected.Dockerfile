FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4 AS minimal
RUN microdnf dsync -y && microdnf clean all

FROM fedora:40
RUN dnf up -y && \
    dnf in -y git make && \
    rm -rf /var/cache/yum/* && \
    dnf clean all
COPY app /app
RUN dnf rm -y vim-minimal
