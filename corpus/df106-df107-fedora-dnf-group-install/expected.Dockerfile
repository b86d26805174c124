FROM fedora:40
RUN dnf install -y python3-pip git-core \
    && dnf group install -y "C Development Tools and Libraries" \
    && dnf clean all
WORKDIR /src
