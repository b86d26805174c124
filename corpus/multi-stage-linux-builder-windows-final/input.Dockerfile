# escape=`
FROM golang:1.22-bookworm AS build
RUN apt-get update && apt-get install -y mingw-w64
WORKDIR /src
COPY . .
RUN GOOS=windows CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc go build -o /out/app.exe .

FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN New-Item -ItemType Directory -Path C:\app; `
    apt-get install curl
COPY --from=build /out/app.exe C:/app/app.exe
ENTRYPOINT ["C:\\app\\app.exe"]
