FROM amazonlinux:2023
COPY app /app
CMD ["/app"]
