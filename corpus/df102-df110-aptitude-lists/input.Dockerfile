FROM debian:12
RUN aptitude update
RUN aptitude install -y python3
