FROM debian:12 AS build
RUN useradd --no-log-init --uid 10001 --create-home --shell /bin/bash app
RUN chpasswd <<EOT
app:changeme
EOT
WORKDIR /home/app
RUN usermod -p '$6$rounds=5000$saltsalt$hash' root
RUN --mount=type=secret,id=pw chpasswd < /run/secrets/pw

# the shipped stage: scratch, so the users family's other rules have nothing to add
FROM scratch
COPY --from=build /etc/passwd /etc/group /etc/
USER 10001:10001
