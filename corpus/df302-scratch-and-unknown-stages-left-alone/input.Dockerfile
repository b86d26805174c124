FROM example.com/internal/base:3 AS tools
RUN make tools
FROM scratch
COPY --from=tools /out/tool /tool
ENTRYPOINT ["/tool"]
