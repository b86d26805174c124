FROM ubuntu:24.04
RUN cat <<'EOF' > /usr/local/bin/install-extras && chmod +x /usr/local/bin/install-extras
#!/bin/sh
apt-get update
apt-get install "$@"
EOF
RUN <<EOF bash -ex
apt-get update
apt-get install -y --no-install-recommends tzdata
rm -rf /var/lib/apt/lists/*
EOF
RUN apt-get update && apt-get -o APT::Keep-Downloaded-Packages=false install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
