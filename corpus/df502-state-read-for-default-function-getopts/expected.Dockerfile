FROM debian:bookworm-slim
RUN ( read -r host < /etc/hostname ) \
    && echo "built on ${host:-unknown}" > /etc/build-host \
    && ( for release in /etc/os-release; do :; done ) \
    && echo "from ${release:-nothing}" >> /etc/build-host \
    && ( : "${LOG_LEVEL:=info}" ) \
    && echo "level=$LOG_LEVEL" > /etc/app.conf \
    && ( ls() { echo shadowed; } ) \
    && ls / > /etc/root-listing \
    && ( getopts v opt -v ) \
    && echo "opt=${opt:-none}" >> /etc/app.conf
