FROM fedora:40
RUN dnf install python3-pip git-core \
    && dnf group install "C Development Tools and Libraries"
WORKDIR /src
