FROM debian:bookworm-slim
COPY . /usr/src/app
RUN ( apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev make && rm -rf /var/lib/apt/lists/* ) \
    && make -C /usr/src/app && make -C /usr/src/app install \
    && apt-get purge -y --auto-remove gcc libc6-dev make
CMD ["app"]
