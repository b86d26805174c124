FROM debian:12
COPY --chmod=4755 ping-helper /usr/local/bin/ping-helper
RUN install -m 6755 /usr/local/bin/ping-helper /usr/local/bin/net-helper \
    && chmod u+s,g-w /usr/local/bin/ping-helper \
    # setgid on a directory this RUN creates: new files inherit its group, not reported
    && mkdir /shared && chmod g+s /shared \
    && useradd --no-log-init --uid 10001 --shell /usr/sbin/nologin app
USER 10001:10001
