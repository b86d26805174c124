FROM debian:12 AS build
RUN install -m 6755 /usr/bin/id /opt/net-helper \
    && chmod u+s,g-w /opt/net-helper \
    # setgid on a directory this RUN creates: new files inherit its group, not reported
    && mkdir /opt/shared && chmod g+s /opt/shared

# the shipped stage: scratch, so the users family's other rules have nothing to add
FROM scratch
COPY --from=build /opt/net-helper /net-helper
COPY --chmod=4755 ping-helper /ping-helper
USER 10001:10001
