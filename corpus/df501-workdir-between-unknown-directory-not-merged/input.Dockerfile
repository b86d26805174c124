FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends xz-utils && touch installed.marker
WORKDIR /src
COPY input.txt ./
RUN xz -k input.txt && ls > listing.txt
RUN apt-get purge -y xz-utils
