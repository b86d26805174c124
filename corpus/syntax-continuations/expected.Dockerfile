FROM alpine:3.20
# comments and blank lines inside a continuation are skipped by BuildKit
RUN apk add --no-cache \
    # compilers
    gcc \

    musl-dev \  
    make \
    && echo hello\
  world\
  goodnight  \
  moon \
    && echo 'not continued' \\
ENV A=1 \
    B="two words" \
    C=3
  # an indented comment
	
CMD ["sh"] \
