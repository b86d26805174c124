FROM amazonlinux:2
COPY src/ /usr/src/app/
RUN yum install -y gcc make openssl-devel tar gzip \
    && make -C /usr/src/app && make -C /usr/src/app install PREFIX=/usr/local \
    && yum remove -y gcc make openssl-devel \
    && yum clean all
CMD ["/usr/local/bin/app"]
