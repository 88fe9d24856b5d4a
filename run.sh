#!/usr/bin/env bash
# One command on a fresh machine: installs what is missing (as root, via apt-get), builds, and runs the app at
# http://localhost:5080. Without ConnectionStrings__Default the app starts its own PostgreSQL under .data/pg
# (loopback only) and stops it on exit. On first start it prints the admin login, password and an invite code.
set -euo pipefail
cd "$(dirname "$0")"
root="$(pwd)"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [[ -z "${ConnectionStrings__Default:-}" ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        echo "Installing PostgreSQL server binaries (apt-get)..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
        echo "PostgreSQL server binaries are missing: run 'sudo apt-get install -y postgresql' or set ConnectionStrings__Default." >&2
        exit 1
    fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET SDK 10 (dotnet) is required: https://dotnet.microsoft.com/download" >&2
    exit 1
fi

dotnet restore ArbitrageEngine.sln -nologo -v quiet
# Published output (artifacts/app, git-ignored) carries every static asset, so Production mode serves them.
dotnet publish ArbitrageEngine.Web/ArbitrageEngine.Web.csproj -c Release -o "$root/artifacts/app" -nologo -v quiet

export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:5080}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
export LocalPostgres__DataDirectory="${LocalPostgres__DataDirectory:-$root/.data/pg}"

echo "Starting ArbitrageEngine at ${ASPNETCORE_URLS} (Ctrl+C stops the app and its PostgreSQL)."
echo "The admin login (user 'admin'), its password and an invite code are printed below on first start."
cd "$root/artifacts/app"
exec dotnet ArbitrageEngine.Web.dll "$@"
