FROM debian:bookworm
ENV DEBIAN_FRONTEND=noninteractive TZ=Etc/UTC
# Refresh the package index
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata locales \
    && rm -rf /var/lib/apt/lists/*
CMD ["bash"]
