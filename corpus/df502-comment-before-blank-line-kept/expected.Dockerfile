FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
    # Compile the bytecode ahead of time, so the first request is fast
    && python -m compileall -q /usr/local/lib/python3.12
COPY . .
CMD ["python", "-m", "app"]
