FROM debian:12
# Build toolchain for the native extensions.
RUN apt-get update \
    && apt-get install -y \
        # compilers
        gcc \
        make \
        # vcs

        git \
    && make --version
ENV PATH=/opt/tools/bin:$PATH
