FROM debian:12 AS build
ARG SVC_UID=123456
RUN groupadd --gid "${SVC_UID}" svc \
    && useradd --no-log-init --uid "${SVC_UID}" --gid svc --system --shell /usr/sbin/nologin svc \
    && useradd --no-log-init -m -u 2000000 batch \
    # below hadolint's line: left alone
    && useradd -m -u 10001 app

# the shipped stage: scratch, so the users family's other rules have nothing to add
FROM scratch
COPY --from=build /etc/passwd /etc/group /etc/
USER 10001:10001
