#!/usr/bin/env bash
# The two commands of the README. Each does its own set-up on a fresh machine (the .NET SDK is assumed).
#   ./build.sh demo   pack ResilienceAnalyzers into artifacts/feed, build samples/NodeTelemetryAgent from it,
#                     print the diagnostics a user sees, and forecast both builds on clusters of 200, 1,500 and 5,000 nodes
#   ./build.sh test   install what the tests need, run every test project, end with "N passed, N failed"
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/artifacts/test-results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

# apt_install PACKAGE: installs a Debian package (as root, or through sudo).
apt_install() {
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  fi
}

# dnsmasq (the binary only, no system service) is the real DNS server the DNS tests start on loopback; kubectl is the
# real client the loopback API server's conformance tests run (KubectlConformanceTests).
ensure_test_tools() {
  if ! command -v dnsmasq >/dev/null 2>&1 && [ ! -x /usr/sbin/dnsmasq ]; then
    echo "Installing dnsmasq-base (real DNS server for the CachedDnsResolver tests)..."
    apt_install dnsmasq-base
  fi
  if ! command -v kubectl >/dev/null 2>&1; then
    echo "Installing kubernetes-client (real kubectl for the loopback API server's conformance tests)..."
    apt_install kubernetes-client
  fi
}

demo() {
  local version=0.1.0-local
  rm -rf artifacts/feed artifacts/sample-packages/resilienceanalyzers artifacts/sample-packages/resilience.*
  for package in ResilienceAnalyzers.Package Resilience.Kubernetes Resilience.Kubernetes.Testing Resilience.Dns; do
    dotnet pack "src/$package/$package.csproj" -c Release -o artifacts/feed -p:Version=$version -nologo -v:quiet
  done
  echo
  echo "== Building samples/NodeTelemetryAgent (a per-node agent, as a DaemonSet on 5,000 nodes) with ResilienceAnalyzers $version =="
  local log sarif="$root/artifacts/demo"
  mkdir -p "$sarif"
  log=$(dotnet build samples/NodeTelemetryAgent/NodeTelemetryAgent.csproj -nologo --no-incremental \
    -p:ResilienceAnalyzersVersion=$version -p:RestorePackagesPath="$root/artifacts/sample-packages" \
    "-p:ErrorLog=$sarif/NodeTelemetryAgent.sarif%2Cversion=2.1" 2>&1) || {
    echo "$log"; exit 1; }
  # One line per diagnostic, without MSBuild's duplicate summary and project suffix.
  grep -E ": (warning|error) RES[0-9]{4}:" <<<"$log" | sed -E 's| \[[^]]*\]$||; s|^'"$root"'/||' | sort -u
  echo
  grep -qE "warning RES[0-9]{4}" <<<"$log" || { echo "No RES diagnostics: something is wrong."; exit 1; }
  echo "== Its fixed twin, samples/NodeTelemetryAgent.Fixed (node-scoped informers, backoff, CachedDns) =="
  log=$(dotnet build samples/NodeTelemetryAgent.Fixed/NodeTelemetryAgent.Fixed.csproj -nologo --no-incremental \
    -p:ResilienceAnalyzersVersion=$version -p:RestorePackagesPath="$root/artifacts/sample-packages" \
    "-p:ErrorLog=$sarif/NodeTelemetryAgent.Fixed.sarif%2Cversion=2.1" 2>&1) || {
    echo "$log"; exit 1; }
  echo "$(grep -cE ": warning RES[0-9]{4}:" <<<"$log" || true) RES diagnostics"
  echo
  # The forecast of each build's SARIF log (docs/forecast.md): the broken agent in full, the fixed one's verdicts.
  dotnet build src/Resilience.Simulator/Resilience.Simulator.csproj -c Release -nologo -v:quiet >/dev/null
  local sim=(dotnet src/Resilience.Simulator/bin/Release/net10.0/resilience-sim.dll forecast)
  echo "== resilience-sim forecast artifacts/demo/NodeTelemetryAgent.sarif --nodes 200,1500,5000 =="
  "${sim[@]}" "$sarif/NodeTelemetryAgent.sarif" --nodes 200,1500,5000 --svg "$sarif" --quiet \
    | sed -n '/^== /,$p'
  echo "Charts: artifacts/demo/forecast-<nodes>-nodes.svg"
  echo
  echo "== The same for samples/NodeTelemetryAgent.Fixed (--fail-on saturation: the exit code CI checks) =="
  "${sim[@]}" "$sarif/NodeTelemetryAgent.Fixed.sarif" --nodes 200,1500,5000 --fail-on saturation --quiet | grep -E "^(Forecast|== )"
  echo
  echo "Fix them from the command line: dotnet format analyzers samples/NodeTelemetryAgent --diagnostics RES1002"
}

# run_tests NAME PROJECT [dotnet test arguments…]: one test run with its own results folder (TRX files named by
# timestamp cannot collide), summed by test_all.
run_tests() {
  local name=$1 project=$2
  shift 2
  echo "== $name"
  dotnet test "$project" "$@" -nologo --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results/$name"
}

# lowest_version PACKAGE: the <PACKAGELowestVersion> of Directory.Packages.props (what the runtime packages build against).
lowest_version() {
  sed -nE "s|.*<$1LowestVersion>([^<]+)</$1LowestVersion>.*|\\1|p" Directory.Packages.props
}

test_all() {
  ensure_test_tools
  rm -rf "$results"
  local rc=0
  dotnet build ResilienceAnalyzers.sln -nologo -v:minimal || { echo "0 passed, 1 failed"; return 1; }
  # One test project at a time, so the Roslyn and end-to-end suites do not compete for the two cores.
  local projects
  projects=$(dotnet sln ResilienceAnalyzers.sln list | grep -E '^tests/.*\.Tests\.csproj$' | grep -v Benchmarks || true)
  for project in $projects; do
    run_tests "$(basename "$project" .csproj)" "$project" --no-build || rc=$?
  done
  # The package matrix: the runtime packages are built against the lowest client version served (their nuspec
  # dependency), the runs above test them with the newest; these run their fault suites again with the lowest (built
  # into separate bin/obj folders, see Directory.Build.props). Only the suites that exercise the client package.
  local k8s_lowest dns_lowest
  k8s_lowest=$(lowest_version KubernetesClient); dns_lowest=$(lowest_version DnsClient)
  run_tests "Resilience.Kubernetes.Tests@KubernetesClient-$k8s_lowest" tests/Resilience.Kubernetes.Tests/Resilience.Kubernetes.Tests.csproj \
    -p:KubernetesClientVersion="$k8s_lowest" \
    --filter "FullyQualifiedName~InformerConformanceTests|FullyQualifiedName~InformerTests|FullyQualifiedName~PagerTests|FullyQualifiedName~WatchEventsTests|FullyQualifiedName~HostingTests|FullyQualifiedName~RateLimitingHandlerTests|FullyQualifiedName~KubectlConformanceTests" \
    || rc=$?
  run_tests "Resilience.Dns.Tests@DnsClient-$dns_lowest" tests/Resilience.Dns.Tests/Resilience.Dns.Tests.csproj \
    -p:DnsClientVersion="$dns_lowest" --filter "FullyQualifiedName~DnsmasqTests|FullyQualifiedName~HttpClientTests|FullyQualifiedName~HttpClientDnsOutageTests" || rc=$?
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
