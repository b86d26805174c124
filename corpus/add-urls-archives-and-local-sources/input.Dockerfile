FROM debian:12-slim
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini-static
ADD rootfs.tar.xz /
ADD vendor.tgz /opt/vendor/
ADD git@github.com:example/config.git /etc/config
ADD https://github.com/moby/buildkit.git#v0.14.1 /src/buildkit
ADD requirements.txt /app/
ADD src/ /app/src/
ADD scripts/entrypoint /usr/local/bin/
ADD --chown=1000:1000 config.yaml /etc/app/
RUN chmod +x /tini
USER 1000
ENTRYPOINT ["/tini", "--"]
