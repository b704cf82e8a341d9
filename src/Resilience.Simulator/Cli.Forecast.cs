using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Resilience.CostModel;
using Resilience.CostModel.Simulation;
using Resilience.Simulator.Forecast;

namespace Resilience.Simulator
{
    /// <summary><c>resilience-sim forecast</c>: a build's SARIF log on the clusters it will run in (docs/forecast.md).</summary>
    public static partial class Cli
    {
        private const string ForecastHelp = @"options for forecast (defaults and their sources: docs/forecast.md):
  --nodes <n,n,…>                 the clusters, by node count (default: the size the build was priced at)
  --pods-per-node <n>             default: the build's ResiliencePodsPerNode, else 30
  --api-servers <n>               3;  --cores <n> per server 64;  --memory-gb <n> per server 128
  --max-requests-inflight <n>     400;  --max-mutating-requests-inflight <n> 200
  --priority-level-seats <n>      APF seats of the agents' priority level per server, 245
  --queue-length <n>              300 per server;  --max-queue-wait <seconds> 15
  --consistent-reads-from-cache   RV-less lists served from the watch cache (1.31+)
  --dns-backend fails|keeps-answering   without the control plane (default fails)
  --dns-cache-seconds <s>         TTL of each node cache layer, 30;  --dns-serve-stale-seconds <s> 0
  --coredns-restarts-per-hour <r> with keeps-answering: share of CoreDNS pods restarting per hour, 0
  --duration <seconds>            1800;  --rollout-seconds <s> 180;  --seed <n>;  --step <seconds> 0.25
  --format table|json, --json     output format (default table)
  --svg <dir>                     one chart per cluster: <dir>/forecast-<nodes>-nodes.svg
  --fail-on saturation            exit 5 when the build as it is saturates any of the clusters
  --quiet                         no progress on stderr
exit codes: 0 ok, 1 I/O failure, 2 bad arguments, 3 bad scenario, 4 a log forecast cannot use, 5 saturation (--fail-on)
";

        private static int RunForecast(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0 || args[0].StartsWith("-", StringComparison.Ordinal)) throw new UsageException("'forecast' needs a SARIF log: dotnet build -p:ErrorLog=build.sarif%2Cversion=2.1, then resilience-sim forecast build.sarif.");
            var options = Options.Parse(
                args.Skip(1).ToArray(),
                "--nodes", "--pods-per-node", "--api-servers", "--cores", "--memory-gb", "--max-requests-inflight", "--max-mutating-requests-inflight",
                "--priority-level-seats", "--queue-length", "--max-queue-wait", "--consistent-reads-from-cache", "--dns-backend", "--dns-cache-seconds",
                "--dns-serve-stale-seconds", "--coredns-restarts-per-hour", "--duration", "--rollout-seconds", "--seed", "--step", "--format", "--json", "--svg",
                "--fail-on", "--quiet");
            string format = options.Has("--json") ? "json" : options.Get("--format") ?? "table";
            if (format != "table" && format != "json") throw new UsageException("--format: unknown format '" + format + "'; accepted: table, json.");
            if (options.Get("--fail-on") is { } failOn && failOn != "saturation") throw new UsageException("--fail-on: unknown condition '" + failOn + "'; accepted: saturation.");

            string log = args[0];
            if (!File.Exists(log)) throw new ForecastInputException(log + ": no such file.");
            var findings = SarifFindings.Load(log);
            var settings = Settings(options, findings);

            bool quiet = options.Has("--quiet");
            ForecastReport report;
            try
            {
                report = Forecaster.Run(log, findings, settings, quiet ? null : new Progress(stderr));
            }
            catch (ArgumentException ex)
            {
                // SimulationInput.Validate names the field an option set out of range (e.g. more seats than in-flight requests).
                throw new UsageException(ex.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
            }

            if (format == "json") stdout.Write(ForecastOutput.WriteJson(report));
            else ForecastOutput.WriteTable(stdout, report);
            if (options.Get("--svg") is { } dir)
            {
                Directory.CreateDirectory(dir);
                foreach (var cluster in report.Clusters)
                {
                    string path = Path.Combine(dir, "forecast-" + cluster.Nodes.ToString(CultureInfo.InvariantCulture) + "-nodes.svg");
                    File.WriteAllText(path, ForecastOutput.WriteSvg(report, cluster));
                    if (!quiet) stderr.WriteLine("wrote " + path);
                }
            }

            return options.Has("--fail-on") && report.Clusters.Any(c => c.AsBuilt.Saturates) ? Saturates : Ok;
        }

        private static ForecastSettings Settings(Options o, IReadOnlyList<Finding> findings)
        {
            var s = new ForecastSettings();
            var c = s.Cluster;
            if (o.Get("--nodes") is { } nodes)
            {
                foreach (var n in nodes.Split(','))
                {
                    s.Nodes.Add(o.Int("--nodes", n.Trim(), 1, 1_000_000));
                }
            }
            else
            {
                // The size the analyzers priced the build at (ResilienceClusterNodes), else their default.
                foreach (var f in findings.Where(f => f.Get("ClusterNodes") != null).GroupBy(f => f.Get("ClusterNodes")).Select(g => g.First()))
                {
                    s.Nodes.Add((int)AccessPatterns.Number(f.Get("ClusterNodes")!, "ClusterNodes", f.Site + " " + f.RuleId, 1, 1_000_000));
                }

                if (s.Nodes.Count == 0) s.Nodes.Add(ClusterShape.DefaultNodes);
            }

            if (o.Get("--pods-per-node") is { } pods) c.PodsPerNode = o.Int("--pods-per-node", pods, 0, 1_000);
            else if (findings.FirstOrDefault(f => f.Get("PodsPerNode") != null) is Finding priced) c.PodsPerNode = (int)AccessPatterns.Number(priced.Get("PodsPerNode")!, "PodsPerNode", priced.Site + " " + priced.RuleId, 0, 1_000);
            if (o.Get("--api-servers") is { } servers) c.ApiServers = o.Int("--api-servers", servers, 1, 100);
            if (o.Get("--cores") is { } cores) c.CoresPerApiServer = o.Int("--cores", cores, 1, 10_000);
            if (o.Get("--memory-gb") is { } memory) c.MemoryLimitBytesPerApiServer = (long)(o.Double("--memory-gb", memory, 0.001, 100_000) * 1e9);
            if (o.Get("--max-requests-inflight") is { } inflight) c.MaxRequestsInflight = o.Int("--max-requests-inflight", inflight, 1, 100_000);
            if (o.Get("--max-mutating-requests-inflight") is { } mutating) c.MaxMutatingRequestsInflight = o.Int("--max-mutating-requests-inflight", mutating, 0, 100_000);
            if (o.Get("--priority-level-seats") is { } seats) c.AgentPriorityLevelSeats = o.Int("--priority-level-seats", seats, 1, 200_000);
            if (o.Get("--queue-length") is { } queue) c.QueueLengthPerApiServer = o.Int("--queue-length", queue, 0, 1_000_000);
            if (o.Get("--max-queue-wait") is { } wait) c.MaxQueueWaitSeconds = o.Double("--max-queue-wait", wait, 0.001, 3_600);
            c.ConsistentReadsFromCache = o.Has("--consistent-reads-from-cache");

            switch (o.Get("--dns-backend"))
            {
                case null:
                case "fails":
                    break;
                case "keeps-answering":
                    s.Dns.Backend = DnsBackendDuringOutage.KeepsAnswering;
                    break;
                default:
                    throw new UsageException("--dns-backend: unknown backend '" + o.Get("--dns-backend") + "'; accepted: fails, keeps-answering.");
            }

            foreach (var layer in s.Dns.Layers)
            {
                if (o.Get("--dns-cache-seconds") is { } ttl) layer.TtlSeconds = o.Double("--dns-cache-seconds", ttl, 0.001, 7 * 86_400);
                if (o.Get("--dns-serve-stale-seconds") is { } stale) layer.ServeStaleSeconds = o.Double("--dns-serve-stale-seconds", stale, 0, 7 * 86_400);
            }

            if (o.Get("--coredns-restarts-per-hour") is { } restarts) s.Dns.CoreDnsRestartsPerHour = o.Double("--coredns-restarts-per-hour", restarts, 0, 3_600);
            if (o.Get("--duration") is { } duration) s.DurationSeconds = o.Int("--duration", duration, 60, 7 * 86_400);
            if (o.Get("--rollout-seconds") is { } rollout) s.RolloutSeconds = o.Double("--rollout-seconds", rollout, 0, 7 * 86_400);
            if (o.Get("--seed") is { } seed) s.Seed = o.ULong("--seed", seed);
            if (o.Get("--step") is { } step) s.StepSeconds = o.Double("--step", step, 0.01, 10);
            return s;
        }

        private sealed class Progress : IProgress<string>
        {
            private readonly TextWriter stderr;

            public Progress(TextWriter stderr) => this.stderr = stderr;

            public void Report(string value) => stderr.WriteLine("[forecast] " + value);
        }
    }
}
