# escape=\
FROM busybox
RUN echo one \
    two
LABEL a=b
RUN echo mixed endings
CMD ["echo", "no final newline"]