FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends \
    ca-certificates \
    curl \
    # compilers
    gcc && \
    rm -rf /var/lib/apt/lists/*
CMD ["bash"]
