FROM alpine:3.20
RUN <<EOF
# fetch and unpack
set -o pipefail && wget -qO- https://example.com/a.tgz | tar -xz -C /opt
EOF

FROM debian:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN <<EOF
curl -fsSL https://example.com/b.tgz | tar -xz -C /opt
EOF

SHELL ["/bin/sh", "-c"]
RUN <<EOF
#!/bin/bash
set -o pipefail && set -e
curl -fsSL https://example.com/c.tgz | tar -xz -C /opt
EOF
RUN <<EOF
#!/bin/sh
curl -fsSL https://example.com/d.tgz | tar -xz -C /opt
EOF
RUN bash <<EOF
curl -fsSL https://example.com/e.tgz | tar -xz -C /opt
EOF
