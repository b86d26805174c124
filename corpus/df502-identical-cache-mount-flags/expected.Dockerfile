# syntax=docker/dockerfile:1
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip \
    ( pip install -r requirements.txt ) \
    && pip install gunicorn==22.0.0
COPY . .
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
