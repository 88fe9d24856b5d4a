#!/usr/bin/env bash
# Runs every test (unit, integration against a throwaway PostgreSQL, bUnit, Playwright with /usr/bin/chromium).
# Builds once in Release; prints "tests: N passed, N failed" at the end; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

results_dir="$(pwd)/TestResults"
rm -rf "$results_dir"
mkdir -p "$results_dir"

dotnet build ArbitrageEngine.sln -c Release -nologo -v quiet

set +e
dotnet test ArbitrageEngine.sln -c Release --no-build -nologo \
    --logger "trx;LogFilePrefix=results" --logger "console;verbosity=minimal" \
    --results-directory "$results_dir" "$@"
status=$?
set -e

passed=0
failed=0
shopt -s nullglob
for trx in "$results_dir"/*.trx; do
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
done

echo "tests: ${passed} passed, ${failed} failed"
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 ]]; then
    exit 1
fi
