FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04
SHELL ["pwsh", "-NoLogo", "-NoProfile", "-Command"]
RUN New-Item -ItemType Directory /app
RUN Set-Content -Path /app/hello.txt -Value 'hello'
RUN Get-Content /app/hello.txt | Select-String hello
CMD ["pwsh", "-Command", "Get-Content /app/hello.txt"]
