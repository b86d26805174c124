FROM fedora:40
COPY app /usr/local/bin/app
CMD ["app"]
