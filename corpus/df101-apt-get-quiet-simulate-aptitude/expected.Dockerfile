FROM debian:12
RUN apt-get update -q \
    && apt-get install -q -q --no-install-recommends curl \
    && apt-get -s install --no-install-recommends wget \
    && apt-get --quiet install -y --no-install-recommends jq \
    && rm -rf /var/lib/apt/lists/*
RUN aptitude update && aptitude install -y --without-recommends git && rm -rf /var/lib/apt/lists/*
