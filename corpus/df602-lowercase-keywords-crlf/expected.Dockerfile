from ubuntu:22.04
run apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
workdir /opt
shell ["/bin/bash", "-o", "pipefail", "-c"]
run curl -fsSL https://get.example.com/install.sh | sh -s -- --prefix /opt
shell ["/bin/sh", "-c"]
cmd ["/opt/bin/tool"]
