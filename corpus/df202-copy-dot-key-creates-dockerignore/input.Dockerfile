FROM python:3.12-slim
WORKDIR /app
# the deploy key is the CI's; the image must not carry it
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "src/app.py"]
