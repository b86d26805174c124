FROM debian:12
RUN ( aptitude update ) \
    && aptitude install -y python3 \
    && rm -rf /var/lib/apt/lists/*
