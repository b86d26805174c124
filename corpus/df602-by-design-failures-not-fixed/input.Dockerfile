FROM debian:bookworm-slim
# grep exits 1 when nothing matches: under pipefail this RUN would fail (it writes 0 today).
RUN grep nosuchuser /etc/passwd | wc -l > /count.txt
WORKDIR /srv
# yes is stopped by SIGPIPE once head has its line: status 141 under pipefail.
RUN yes | head -n 1 > /answer.txt
ENV LANG=C.UTF-8
# grep -q stops reading at the first match; the writer may then get SIGPIPE.
RUN dpkg -l | grep -q '^ii  libc6' && echo glibc > /libc.txt

FROM alpine:3.20
RUN grep -c nosuchuser /etc/group | tee /count.txt
WORKDIR /srv
RUN tr -dc 'a-z0-9' < /dev/urandom | head -c 16 > /token
