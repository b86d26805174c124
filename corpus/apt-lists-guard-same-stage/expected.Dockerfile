FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gnupg
ARG NODE_MAJOR=20
COPY nodesource.gpg /usr/share/keyrings/nodesource.gpg
RUN echo "deb [signed-by=/usr/share/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MAJOR}.x nodistro main" > /etc/apt/sources.list.d/nodesource.list
WORKDIR /app
RUN apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*
USER ubuntu
