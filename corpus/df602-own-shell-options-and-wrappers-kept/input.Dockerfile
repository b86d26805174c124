FROM ubuntu:24.04 AS ci
SHELL ["/bin/bash", "-ex", "-c"]
RUN curl -fsSL https://example.com/install.sh | bash -s -- --yes

FROM ubuntu:24.04 AS node
SHELL ["/bin/bash", "--login", "-c"]
RUN curl -fsSL https://raw.githubusercontent.com/nvm-sh/nvm/v0.39.7/install.sh | bash
RUN nvm install 20 && node --version | tee /node-version

FROM continuumio/miniconda3:24.5.0-0 AS conda
RUN conda create -y -n app python=3.12
SHELL ["conda", "run", "-n", "app", "/bin/bash", "-c"]
RUN pip download --no-deps requests==2.32.3 -d /wheels && ls /wheels | sort > /wheels/INDEX

FROM ubuntu:24.04
SHELL ["/bin/bash", "-eu", "-c"]
COPY --from=ci /usr/local/bin/tool /usr/local/bin/tool
RUN tool --version | cut -d' ' -f2 > /tool-version
