FROM opensuse/leap:15.6
RUN zypper -n refresh && zypper install -y --no-recommends curl gzip tar && zypper clean --all
ENTRYPOINT ["curl"]
