# Multi-stage build of the dashboard (SDK → ASP.NET runtime).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ControlCenter.sln ./
COPY src/ src/
COPY wwwroot/ wwwroot/
RUN dotnet publish src/ControlCenter.Web/ControlCenter.Web.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Inside the container the app must listen on all interfaces; docker-compose publishes on 127.0.0.1 only.
ENV ASPNETCORE_URLS=http://0.0.0.0:9021 \
    EmbeddedBroker__DataDir=/app/data
EXPOSE 9021 8082
ENTRYPOINT ["dotnet", "ControlCenter.Web.dll"]
