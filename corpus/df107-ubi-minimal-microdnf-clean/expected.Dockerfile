FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install -y --nodocs --setopt=install_weak_deps=0 shadow-utils tar gzip \
    && useradd -r -u 1001 -g 0 app \
    && microdnf clean all
USER 1001
