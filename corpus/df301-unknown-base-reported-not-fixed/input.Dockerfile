FROM example.com/team/base:2
COPY app /app
CMD ["/app"]
