FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY src/ ./src/
COPY scripts/*.sh /usr/local/bin/
COPY ["docs/read me.txt", "/usr/share/doc/app/"]
COPY "notes.tgz" /usr/share/doc/app/
COPY entrypoint /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/entrypoint"]
