FROM debian:12
# Build toolchain for the native extensions.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        # compilers
        gcc \
        make \
        # vcs

        git \
    && make --version \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/tools/bin:$PATH
