# escape=`
FROM ubuntu:22.04
RUN ( apt-get update && apt-get install -y --no-install-recommends build-essential curl ca-certificates ) && `
    ( curl -fsSL https://ftp.gnu.org/gnu/hello/hello-2.12.1.tar.gz -o /tmp/hello.tgz && `
    tar -xzf /tmp/hello.tgz -C /tmp && `
    cd /tmp/hello-2.12.1 && ./configure && make && make install ) && `
    apt-get purge -y --auto-remove build-essential curl && rm -rf /var/lib/apt/lists/*
CMD ["hello"]
