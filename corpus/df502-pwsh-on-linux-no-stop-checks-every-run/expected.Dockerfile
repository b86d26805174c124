FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04
SHELL ["pwsh", "-NoLogo", "-NoProfile", "-Command"]
RUN New-Item -ItemType Directory /app; if (-not $?) { exit 1 }; \
    Set-Content -Path /app/hello.txt -Value 'hello'; if (-not $?) { exit 1 }; \
    Get-Content /app/hello.txt | Select-String hello
CMD ["pwsh", "-Command", "Get-Content /app/hello.txt"]
