FROM debian:bookworm-slim
RUN ( apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev wget ca-certificates ) \
    && ( wget -qO /tmp/lua.tgz https://www.lua.org/ftp/lua-5.4.6.tar.gz; mkdir -p /usr/src/lua; tar -xzf /tmp/lua.tgz -C /usr/src/lua --strip-components=1 ) \
    && ( cd /usr/src/lua && make linux && make install ) \
    && ( export LUA_PATH=/usr/local/share/lua/5.4/?.lua && lua -v || echo "lua is not on PATH" ) \
    && apt-get purge -y --auto-remove gcc make libc6-dev wget && rm -rf /var/lib/apt/lists/*
CMD ["lua"]
