FROM python:3.12-alpine
WORKDIR /app
RUN apk add --virtual .build-deps gcc musl-dev libffi-dev
# Dependencies first, so the layer cache survives code changes
COPY requirements.txt .
RUN pip install -r requirements.txt
RUN apk del .build-deps
COPY . .
USER nobody
CMD ["python", "-m", "app"]
