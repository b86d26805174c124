FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4 AS minimal
RUN microdnf dsync && microdnf clean all

FROM fedora:40
RUN dnf up && \
    dnf in git make && \
    rm -rf /var/cache/yum/*
COPY app /app
RUN dnf rm -y vim-minimal
