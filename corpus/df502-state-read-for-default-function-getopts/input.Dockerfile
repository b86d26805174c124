FROM debian:bookworm-slim
RUN read -r host < /etc/hostname
RUN echo "built on ${host:-unknown}" > /etc/build-host
RUN for release in /etc/os-release; do :; done
RUN echo "from ${release:-nothing}" >> /etc/build-host
RUN : "${LOG_LEVEL:=info}"
RUN echo "level=$LOG_LEVEL" > /etc/app.conf
RUN ls() { echo shadowed; }
RUN ls / > /etc/root-listing
RUN getopts v opt -v
RUN echo "opt=${opt:-none}" >> /etc/app.conf
