# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
COPY app.exe C:/app/
USER ContainerUser
CMD ["C:\\app\\app.exe"]
