# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
RUN curl.exe -fsSL -o C:\nuget.exe https://dist.nuget.org/win-x86-commandline/latest/nuget.exe
RUN dir C:\ | findstr /I nuget
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Get-ChildItem C:\ | Where-Object { $_.Name -like '*.exe' } | Format-Table Name; `
    Get-Content C:\Windows\System32\drivers\etc\hosts | Select-Object -First 5
CMD ["C:\\nuget.exe", "help"]
