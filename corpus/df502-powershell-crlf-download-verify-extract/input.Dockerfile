# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
ENV GIT_VERSION 2.45.2
RUN Write-Host ('Downloading MinGit {0} ...' -f $env:GIT_VERSION)
RUN curl.exe -fsSL -o mingit.zip ('https://github.com/git-for-windows/git/releases/download/v{0}.windows.1/MinGit-{0}-64-bit.zip' -f $env:GIT_VERSION)

# unpack, then drop the archive
RUN Expand-Archive mingit.zip -DestinationPath C:\git; `
    Remove-Item mingit.zip -Force;
RUN C:\git\cmd\git.exe --version
CMD ["C:\\git\\cmd\\git.exe", "--version"]
