FROM ubuntu:24.04
RUN apt update && apt install python3-venv
USER ubuntu
