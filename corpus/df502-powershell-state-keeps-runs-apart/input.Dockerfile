# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]

WORKDIR C:\variable
RUN $url = 'https://example.com/tool.zip'; Write-Host $url
RUN Write-Host "url is [$url]"

WORKDIR C:\location
RUN Set-Location C:\tools
RUN Get-ChildItem

WORKDIR C:\tls
RUN [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
RUN Invoke-WebRequest -Uri https://example.com/a.zip -OutFile a.zip -UseBasicParsing

WORKDIR C:\machine-path
RUN [Environment]::SetEnvironmentVariable('PATH', 'C:\tools;' + $env:PATH, [EnvironmentVariableTarget]::Machine)
RUN tool.exe --version

WORKDIR C:\comment
RUN choco install -y nodejs-lts # the LTS line
RUN node --version

WORKDIR C:\early-exit
RUN if (Test-Path C:\done.txt) { exit 0 }
RUN New-Item C:\done.txt

WORKDIR C:\status
RUN cmd /c ver
RUN Write-Host "last exit code: $LASTEXITCODE"
