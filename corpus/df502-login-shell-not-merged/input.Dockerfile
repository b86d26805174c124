FROM continuumio/miniconda3:24.4.0-0
SHELL ["/bin/bash", "--login", "-c"]
RUN conda init bash
RUN conda activate base && python -V
