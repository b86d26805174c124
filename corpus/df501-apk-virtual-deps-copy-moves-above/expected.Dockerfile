FROM python:3.12-alpine
WORKDIR /app
# Dependencies first, so the layer cache survives code changes
COPY requirements.txt .
RUN ( apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev ) \
    && pip install --no-cache-dir -r requirements.txt \
    && apk del .build-deps
COPY . .
USER nobody
CMD ["python", "-m", "app"]
