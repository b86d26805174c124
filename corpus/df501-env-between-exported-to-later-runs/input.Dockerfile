FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev
ENV CFLAGS="-O2 -pipe" PREFIX=/usr/local
COPY src/ /app/src/
RUN make -C /app/src install
RUN apt-get purge -y --auto-remove gcc make libc6-dev
CMD ["app"]
