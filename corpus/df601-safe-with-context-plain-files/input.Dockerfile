FROM python:3.12-slim
WORKDIR /app
ADD requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
ADD src/ ./src/
ADD scripts/*.sh /usr/local/bin/
ADD ["docs/read me.txt", "/usr/share/doc/app/"]
ADD "notes.tgz" /usr/share/doc/app/
ADD entrypoint /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/entrypoint"]
