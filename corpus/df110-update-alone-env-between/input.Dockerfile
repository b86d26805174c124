FROM debian:bookworm
# Refresh the package index
RUN apt-get update
ENV DEBIAN_FRONTEND=noninteractive TZ=Etc/UTC
RUN apt-get install -y tzdata locales
CMD ["bash"]
