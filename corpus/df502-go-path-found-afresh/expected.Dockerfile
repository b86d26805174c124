FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN ( go mod download ) \
    && go mod verify
COPY . .
RUN ( go vet ./... ) \
    && CGO_ENABLED=0 go build -trimpath -o /out/api ./cmd/api
