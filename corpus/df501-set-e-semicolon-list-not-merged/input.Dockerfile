FROM debian:bookworm-slim
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends gcc libc6-dev make
COPY src/ /usr/src/app/
RUN make -C /usr/src/app && make -C /usr/src/app install
RUN apt-get purge -y --auto-remove gcc libc6-dev make
