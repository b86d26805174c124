FROM opensuse/leap:15.6
RUN zypper -n refresh && zypper install --no-recommends curl gzip tar
ENTRYPOINT ["curl"]
