# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
ADD https://github.com/git-for-windows/git/releases/download/v2.45.2.windows.1/MinGit-2.45.2-64-bit.zip C:\mingit.zip
RUN Expand-Archive C:\mingit.zip -DestinationPath C:\mingit; `
    Remove-Item C:\mingit.zip -Force; `
    setx /M PATH $('C:\mingit\cmd;' + $Env:PATH)
# Looks like apt, but this is PowerShell: no POSIX rule may touch it.
RUN apt-get install curl; `
    apt update; `
    apk add jq
WORKDIR C:\app
COPY . C:\app\
CMD ["powershell", "-File", "C:\\app\\start.ps1"]
