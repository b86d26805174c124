FROM registry.suse.com/bci/bci-base:15.6
COPY app /app
CMD ["/app"]
