FROM python:3.12-slim AS wheels
ENV PIP_NO_CACHE_DIR=off
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim
WORKDIR /app
COPY --from=wheels /wheels /wheels
RUN python -m pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir --no-index --find-links /wheels /wheels/*.whl
COPY . .
RUN pip3 install --no-cache-dir --no-deps -e .
CMD ["python", "-m", "app"]
