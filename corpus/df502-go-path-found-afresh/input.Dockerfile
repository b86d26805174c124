FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
RUN go mod verify
COPY . .
RUN go vet ./...
RUN CGO_ENABLED=0 go build -trimpath -o /out/api ./cmd/api
