FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip && rm -rf /var/lib/apt/lists/*
RUN pip install --break-system-packages --upgrade pip
RUN pip install --break-system-packages flask==3.0.3
CMD ["flask", "run"]
