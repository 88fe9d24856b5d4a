#!/usr/bin/env bash
# One command on a fresh machine: installs what is missing (as root, via apt-get), builds, and runs the app at
# http://localhost:5080. Without ConnectionStrings__Default the app starts its own PostgreSQL under .data/pg
# (loopback only) and stops it on exit. On first start it prints the admin login, password and an invite code.
# Every step says what it does and, while it runs, how long it has been running; Ctrl+C (SIGINT) and SIGTERM both
# stop the app gracefully (web host first, then its PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")"
root="$(pwd)"
steps=4
started=$SECONDS

step() { printf '\n[%d/%d] %s\n' "$1" "$steps" "$2"; }

# Runs a command, printing "... still <what> (N s)" every 10 s so a long restore or publish is never silent.
with_progress() {
    local what="$1"
    shift
    "$@" &
    local pid=$! begin=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        if kill -0 "$pid" 2>/dev/null && (((SECONDS - begin) % 10 == 0)); then
            printf '      ... still %s (%d s)\n' "$what" $((SECONDS - begin))
        fi
    done
    wait "$pid"
}

step 1 "Checking prerequisites (PostgreSQL server binaries, .NET SDK)"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [[ -z "${ConnectionStrings__Default:-}" ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        echo "      installing PostgreSQL server binaries (apt-get)..."
        with_progress "installing PostgreSQL" bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null'
    else
        echo "PostgreSQL server binaries are missing: run 'sudo apt-get install -y postgresql' or set ConnectionStrings__Default." >&2
        exit 1
    fi
fi
if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET SDK 10 (dotnet) is required: https://dotnet.microsoft.com/download" >&2
    exit 1
fi
echo "      ok"

step 2 "Restoring NuGet packages (the first run downloads them: a few minutes)"
with_progress "restoring" dotnet restore ArbitrageEngine.sln -nologo -v minimal

# Published output (artifacts/app, git-ignored) carries every static asset, so Production mode serves them.
step 3 "Building and publishing the web app to artifacts/app"
with_progress "building" dotnet publish ArbitrageEngine.Web/ArbitrageEngine.Web.csproj -c Release -o "$root/artifacts/app" -nologo -v minimal --no-restore

export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:5080}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
export LocalPostgres__DataDirectory="${LocalPostgres__DataDirectory:-$root/.data/pg}"
url="${ASPNETCORE_URLS%%;*}"

step 4 "Starting ArbitrageEngine at ${url} (Ctrl+C stops the app and its PostgreSQL)"
cd "$root/artifacts/app"
# A child, not exec: when this script runs in the background the shell ignores SIGINT for it, so the signals are
# caught here and passed on as SIGTERM, which the app always handles (graceful stop, database last).
dotnet ArbitrageEngine.Web.dll "$@" &
app=$!
trap 'echo; echo "Stopping ArbitrageEngine..."; kill -TERM "$app" 2>/dev/null || true' INT TERM

# Once the app answers, say where it is and how to sign in (the first start also printed the password above).
if command -v curl >/dev/null 2>&1; then
    (
        while kill -0 "$app" 2>/dev/null; do
            if [[ $(curl -s -o /dev/null -w '%{http_code}' "${url}/health" 2>/dev/null || true) != 000 ]]; then
                printf '\nArbitrageEngine is running at %s (ready after %d s).\n' "$url" $((SECONDS - started))
                printf "Sign in as 'admin': on the first start its password and an invite code are printed above; later starts keep them.\n"
                break
            fi
            sleep 1
        done
    ) &
fi

# wait returns early (> 128) when a signal arrives; keep waiting until the app itself has exited.
while true; do
    status=0
    wait "$app" || status=$?
    kill -0 "$app" 2>/dev/null || break
done
exit "$status"
