#!/usr/bin/env bash
# Live pipeline load: the Release web app with the simulated market (~50 trades/s per symbol, 72 strategies),
# phase 1 without clients, phase 2 with N SignalR clients. Prints name=value figures (README "Live pipeline").
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release ArbitrageEngine.Web -v q -nologo
dotnet run -c Release --project ArbitrageEngine.Benchmarks -- pipeline-load "$@"
