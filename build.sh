#!/usr/bin/env bash
# The two commands of the README. Each does its own set-up on a fresh machine (the .NET SDK is assumed).
#   ./build.sh demo   pack ResilienceAnalyzers into artifacts/feed, build samples/NodeTelemetryAgent from it,
#                     and print the diagnostics a user sees
#   ./build.sh test   install what the tests need, run every test project, end with "N passed, N failed"
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

# dnsmasq (the binary only, no system service) is the real DNS server the DNS tests start on loopback.
ensure_test_tools() {
  if ! command -v dnsmasq >/dev/null 2>&1 && [ ! -x /usr/sbin/dnsmasq ]; then
    echo "Installing dnsmasq-base (real DNS server for the CachedDnsResolver tests)..."
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsmasq-base >/dev/null
    else
      sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsmasq-base >/dev/null
    fi
  fi
}

demo() {
  local version=0.1.0-local
  rm -rf artifacts/feed artifacts/sample-packages/resilienceanalyzers artifacts/sample-packages/resilience.*
  for package in ResilienceAnalyzers.Package Resilience.Kubernetes Resilience.Dns; do
    dotnet pack "src/$package/$package.csproj" -c Release -o artifacts/feed -p:Version=$version -nologo -v:quiet
  done
  echo
  echo "== Building samples/NodeTelemetryAgent (a per-node agent, as a DaemonSet on 5,000 nodes) with ResilienceAnalyzers $version =="
  local log
  log=$(dotnet build samples/NodeTelemetryAgent/NodeTelemetryAgent.csproj -nologo --no-incremental \
    -p:ResilienceAnalyzersVersion=$version -p:RestorePackagesPath="$root/artifacts/sample-packages" 2>&1) || {
    echo "$log"; exit 1; }
  # One line per diagnostic, without MSBuild's duplicate summary and project suffix.
  grep -E ": (warning|error) RES[0-9]{4}:" <<<"$log" | sed -E 's| \[[^]]*\]$||; s|^'"$root"'/||' | sort -u
  echo
  grep -qE "warning RES[0-9]{4}" <<<"$log" || { echo "No RES diagnostics: something is wrong."; exit 1; }
  echo "== Its fixed twin, samples/NodeTelemetryAgent.Fixed (node-scoped informers, backoff, CachedDns) =="
  log=$(dotnet build samples/NodeTelemetryAgent.Fixed/NodeTelemetryAgent.Fixed.csproj -nologo --no-incremental \
    -p:ResilienceAnalyzersVersion=$version -p:RestorePackagesPath="$root/artifacts/sample-packages" 2>&1) || {
    echo "$log"; exit 1; }
  echo "$(grep -cE ": warning RES[0-9]{4}:" <<<"$log" || true) RES diagnostics"
  echo
  echo "Fix them from the command line: dotnet format analyzers samples/NodeTelemetryAgent --diagnostics RES1002"
}

test_all() {
  ensure_test_tools
  local results="$root/artifacts/test-results"
  rm -rf "$results"
  local rc=0
  dotnet build ResilienceAnalyzers.sln -nologo -v:minimal || { echo "0 passed, 1 failed"; return 1; }
  # One test project at a time, each with its own results folder: TRX files named by timestamp cannot collide,
  # and the Roslyn and end-to-end suites do not compete for the two cores.
  local projects
  projects=$(dotnet sln ResilienceAnalyzers.sln list | grep -E '^tests/.*\.Tests\.csproj$' | grep -v Benchmarks || true)
  for project in $projects; do
    local name
    name=$(basename "$project" .csproj)
    echo "== $name"
    dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results/$name" || rc=$?
  done
  local passed=0 failed=0
  shopt -s nullglob
  for trx in "$results"/*/*.trx; do
    local counters p f
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters"); f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
    passed=$((passed + p)); failed=$((failed + f))
  done
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # The run failed outside a test (crashed host, no results): count it as a failure.
    failed=1
  fi
  echo "$passed passed, $failed failed"
  [ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
}

case "${1:-}" in
  demo) demo ;;
  test) test_all ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac
