#!/usr/bin/env bash
# Plaza speed: the published Release web app (Production mode serves static assets only from published output)
# with 1,000 extra strategies, Chromium (/usr/bin/chromium) via Playwright; time from navigation to /plaza until the
# first card is visible and until interactive, 5 runs after a warm-up.
# Prints name=value figures (README "Figures": plaza first render, 1,000 strategies).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
dotnet publish ArbitrageEngine.Web/ArbitrageEngine.Web.csproj -c Release -o "$root/artifacts/app" -nologo -v quiet
dotnet run -c Release --project ArbitrageEngine.Benchmarks -- plaza-load --web "$root/artifacts/app/ArbitrageEngine.Web.dll" "$@"
