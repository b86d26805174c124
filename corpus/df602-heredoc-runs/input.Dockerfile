FROM alpine:3.20
RUN <<EOF
# fetch and unpack
wget -qO- https://example.com/a.tgz | tar -xz -C /opt
EOF

FROM debian:bookworm-slim
RUN <<EOF
curl -fsSL https://example.com/b.tgz | tar -xz -C /opt
EOF
RUN <<EOF
#!/bin/bash
set -e
curl -fsSL https://example.com/c.tgz | tar -xz -C /opt
EOF
RUN <<EOF
#!/bin/sh
curl -fsSL https://example.com/d.tgz | tar -xz -C /opt
EOF
RUN bash <<EOF
curl -fsSL https://example.com/e.tgz | tar -xz -C /opt
EOF
