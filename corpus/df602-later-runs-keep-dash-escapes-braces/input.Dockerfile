FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
ARG TOOL_VERSION=1.4.2
RUN curl -fsSL "https://example.com/tool-${TOOL_VERSION}.tar.gz" | tar -xz -C /usr/local/bin
# dash's echo decodes \n: two lines; under bash this would be one line with a literal \n
RUN echo "[main]\nkey=value" > /etc/tool.conf
WORKDIR /opt
# dash keeps the braces: one directory named {a,b}; bash would make two
RUN mkdir -p /opt/{a,b}
ENV DEBIAN_FRONTEND=noninteractive
RUN echo "#!/bin/sh\nexit 101" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
CMD ["tool"]
