FROM debian:bookworm
# Refresh the package index
RUN apt-get update \
    && ( export DEBIAN_FRONTEND=noninteractive TZ=Etc/UTC && apt-get install -y --no-install-recommends tzdata locales ) \
    && rm -rf /var/lib/apt/lists/*
ENV DEBIAN_FRONTEND=noninteractive TZ=Etc/UTC
CMD ["bash"]
