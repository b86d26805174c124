FROM amazonlinux:2
RUN yum install -y gcc make openssl-devel tar gzip && yum clean all
COPY src/ /usr/src/app/
RUN make -C /usr/src/app && make -C /usr/src/app install PREFIX=/usr/local \
    && yum remove -y gcc make openssl-devel
CMD ["/usr/local/bin/app"]
