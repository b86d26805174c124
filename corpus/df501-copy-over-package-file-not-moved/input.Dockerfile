FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev
COPY gcc-wrapper /usr/bin/gcc
COPY hello.c /src/
RUN gcc -O2 -o /usr/local/bin/hello /src/hello.c
RUN apt-get purge -y --auto-remove gcc libc6-dev
CMD ["hello"]
