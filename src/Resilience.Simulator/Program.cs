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
    public static class Program
    {
        public static int Main(string[] args) => Cli.Run(args, Console.Out, Console.Error);
    }

    /// <summary>
    /// The command line. Exit codes: 0 ok, 2 bad arguments, 3 unknown scenario or bad scenario file, 1 I/O failure;
    /// forecast: 4 a log it cannot use, 5 a cluster would saturate (<c>--fail-on saturation</c>).
    /// </summary>
    public static partial class Cli
    {
        public const int Ok = 0;
        public const int Failure = 1;
        public const int Usage = 2;
        public const int BadScenario = 3;
        public const int BadLog = 4;
        public const int Saturates = 5;

        public const string Help = @"resilience-sim — what a per-node agent does to the control plane and DNS (docs/cost-model.md)

usage:
  resilience-sim run <scenario|file.json> [options]   simulate and print the timeline
  resilience-sim <scenario|file.json> [options]       same as run
  resilience-sim list                                 the named scenarios
  resilience-sim export <scenario> [--out file.json]  write a named scenario as JSON, to start your own
  resilience-sim factors [--nodes N] [--format table|json]
                                                      each fix's factor on the incident's agent (offered load)
  resilience-sim forecast <build.sarif> [forecast options]
                                                      a build's findings on your clusters, as built and with each fix
options for run:
  --format table|json   output format (default table)
  --svg <file>          also draw the timeline as an SVG chart
  --seed <n>            override the seed of every run
  --nodes <n>           override the cluster size of every run
  --duration <seconds>  override the simulated time of every run
  --quiet               no progress on stderr
" + ForecastHelp;

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h")
            {
                (args.Length == 0 ? stderr : stdout).Write(Help);
                return args.Length == 0 ? Usage : Ok;
            }

            try
            {
                switch (args[0])
                {
                    case "list":
                        if (args.Length > 1) throw new UsageException("'list' takes no arguments.");
                        foreach (var name in BuiltInScenarios.Names)
                        {
                            stdout.WriteLine(name.PadRight(30) + BuiltInScenarios.Find(name)!.Description);
                        }

                        return Ok;
                    case "export":
                        return Export(args.Skip(1).ToArray(), stdout);
                    case "factors":
                        return Factors(args.Skip(1).ToArray(), stdout, stderr);
                    case "forecast":
                        return RunForecast(args.Skip(1).ToArray(), stdout, stderr);
                    case "run":
                        return Simulate(args.Skip(1).ToArray(), stdout, stderr);
                    default:
                        if (args[0].StartsWith("-", StringComparison.Ordinal)) throw new UsageException("unknown option '" + args[0] + "' before a scenario.");
                        return Simulate(args, stdout, stderr);
                }
            }
            catch (UsageException ex)
            {
                stderr.WriteLine("error: " + ex.Message);
                stderr.WriteLine("run 'resilience-sim --help' for usage.");
                return Usage;
            }
            catch (ScenarioFormatException ex)
            {
                stderr.WriteLine("error: " + ex.Message);
                return BadScenario;
            }
            catch (ForecastInputException ex)
            {
                stderr.WriteLine("error: " + ex.Message);
                return BadLog;
            }
            catch (IOException ex)
            {
                stderr.WriteLine("error: " + ex.Message);
                return Failure;
            }
        }

        private static int Simulate(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0) throw new UsageException("'run' needs a scenario name or a .json file.");
            var options = Options.Parse(args.Skip(1).ToArray(), "--format", "--svg", "--seed", "--nodes", "--duration", "--quiet");
            var scenario = Resolve(args[0]);
            string format = options.Get("--format") ?? "table";
            if (format != "table" && format != "json") throw new UsageException("--format: unknown format '" + format + "'; accepted: table, json.");
            foreach (var run in scenario.Runs)
            {
                if (options.Get("--seed") is { } seed) run.Seed = options.ULong("--seed", seed);
                if (options.Get("--nodes") is { } nodes) run.Cluster.Nodes = options.Int("--nodes", nodes, 1, 1_000_000);
                if (options.Get("--duration") is { } duration) run.DurationSeconds = options.Int("--duration", duration, 1, 7 * 86_400);
            }

            bool quiet = options.Has("--quiet");
            var results = new List<SimulationResult>();
            foreach (var run in scenario.Runs)
            {
                try
                {
                    run.Validate();
                }
                catch (ArgumentException ex)
                {
                    throw new ScenarioFormatException(scenario.Name + ": " + ex.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
                }

                // Progress for long runs only (many copies × many steps), on stderr so stdout stays parseable.
                long work = (long)run.Workloads.Sum(w => w.Copies(run.Cluster)) * (long)(run.DurationSeconds / run.StepSeconds);
                IProgress<double>? progress = quiet || work < 2_000_000 ? null : new StderrProgress(stderr, run.Label);
                results.Add(TimeSteppedSimulation.Run(run, progress));
            }

            if (format == "json") stdout.Write(JsonOutput.Write(scenario, results));
            else TableOutput.Write(stdout, scenario, results);
            if (options.Get("--svg") is { } svg)
            {
                File.WriteAllText(svg, SvgChart.Write(scenario, results));
                if (!quiet) stderr.WriteLine("wrote " + svg);
            }

            return Ok;
        }

        private static int Export(string[] args, TextWriter stdout)
        {
            if (args.Length == 0) throw new UsageException("'export' needs a scenario name; 'resilience-sim list' shows them.");
            var options = Options.Parse(args.Skip(1).ToArray(), "--out");
            var scenario = Named(args[0]);
            string json = ScenarioJson.Write(scenario);
            if (options.Get("--out") is { } path) File.WriteAllText(path, json);
            else stdout.Write(json);
            return Ok;
        }

        private static int Factors(string[] args, TextWriter stdout, TextWriter stderr)
        {
            var options = Options.Parse(args, "--nodes", "--format", "--quiet");
            int nodes = options.Get("--nodes") is { } n ? options.Int("--nodes", n, 10, 100_000) : 5000;
            string format = options.Get("--format") ?? "table";
            if (format != "table" && format != "json") throw new UsageException("--format: unknown format '" + format + "'; accepted: table, json.");
            var factors = FixFactors.Measure(nodes, options.Has("--quiet") ? null : new StderrProgress(stderr, "factors"));
            if (format == "json")
            {
                stdout.WriteLine("[");
                for (int i = 0; i < factors.Count; i++)
                {
                    var f = factors[i];
                    stdout.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {{\"fix\": \"{0}\", \"metric\": \"{1}\", \"baseline\": {2}, \"withFix\": {3}, \"factor\": {4}}}{5}",
                        f.Fix, f.Metric, Math.Round(f.Baseline, 6), Math.Round(f.WithFix, 6), double.IsInfinity(f.Factor) ? "null" : Math.Round(f.Factor, 4).ToString(CultureInfo.InvariantCulture), i < factors.Count - 1 ? "," : ""));
                }

                stdout.WriteLine("]");
                return Ok;
            }

            stdout.WriteLine("Each fix applied alone to the incident's agent at " + Quantity.Count(nodes) + " nodes (offered load, no capacity limit; backoff during an outage; serve-stale by DNS failures).");
            stdout.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-12} {1,-40} {2,14} {3,14} {4,10}", "fix", "metric", "incident", "with fix", "factor"));
            foreach (var f in factors)
            {
                bool bytes = f.Metric.Contains("memory", StringComparison.Ordinal) || f.Metric.Contains("bytes", StringComparison.Ordinal);
                bool share = f.Metric.Contains("share", StringComparison.Ordinal);
                string Show(double v) => share ? Math.Round(v * 100).ToString(CultureInfo.InvariantCulture) + "%" : bytes ? Quantity.Bytes(v) : Quantity.Count(v) is var c && v < 10 ? v.ToString("0.###", CultureInfo.InvariantCulture) : Quantity.Count(v);
                stdout.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-12} {1,-40} {2,14} {3,14} {4,10}", f.Fix, f.Metric, Show(f.Baseline), Show(f.WithFix),
                    double.IsInfinity(f.Factor) ? "→ 0" : f.Factor >= 100 ? Quantity.Count(f.Factor) + "×" : f.Factor.ToString("0.##", CultureInfo.InvariantCulture) + "×"));
            }

            return Ok;
        }

        private static Scenario Resolve(string nameOrPath)
        {
            if (nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || nameOrPath.Contains(Path.DirectorySeparatorChar) || File.Exists(nameOrPath))
            {
                if (!File.Exists(nameOrPath)) throw new ScenarioFormatException(nameOrPath + ": no such scenario file.");
                return ScenarioJson.Load(nameOrPath);
            }

            return Named(nameOrPath);
        }

        private static Scenario Named(string name)
            => BuiltInScenarios.Find(name)
               ?? throw new ScenarioFormatException("unknown scenario '" + name + "'; accepted: " + string.Join(", ", BuiltInScenarios.Names) + ", or a path to a .json scenario file.");

        private sealed class UsageException : Exception
        {
            public UsageException(string message)
                : base(message)
            {
            }
        }

        private sealed class Options
        {
            /// <summary>Options that take no value.</summary>
            private static readonly string[] Flags = { "--quiet", "--json", "--consistent-reads-from-cache" };

            private readonly Dictionary<string, string?> values = new Dictionary<string, string?>(StringComparer.Ordinal);

            public static Options Parse(string[] args, params string[] accepted)
            {
                var o = new Options();
                for (int i = 0; i < args.Length; i++)
                {
                    string a = args[i];
                    if (Array.IndexOf(accepted, a) < 0)
                    {
                        throw new UsageException(a.StartsWith("-", StringComparison.Ordinal)
                            ? "unknown option '" + a + "'; accepted here: " + string.Join(", ", accepted) + "."
                            : "unexpected argument '" + a + "'.");
                    }

                    if (Array.IndexOf(Flags, a) >= 0)
                    {
                        o.values[a] = null;
                        continue;
                    }

                    if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new UsageException(a + " needs a value.");
                    o.values[a] = args[++i];
                }

                return o;
            }

            public bool Has(string name) => values.ContainsKey(name);

            public string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

            public int Int(string name, string value, int min, int max)
            {
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < min || i > max)
                {
                    throw new UsageException(name + ": expected a whole number from " + min.ToString("N0", CultureInfo.InvariantCulture) + " to " + max.ToString("N0", CultureInfo.InvariantCulture) + ", got '" + value + "'.");
                }

                return i;
            }

            public double Double(string name, string value, double min, double max)
            {
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsNaN(d) || d < min || d > max)
                {
                    throw new UsageException(name + ": expected a number from " + min.ToString(CultureInfo.InvariantCulture) + " to " + max.ToString(CultureInfo.InvariantCulture) + ", got '" + value + "'.");
                }

                return d;
            }

            public ulong ULong(string name, string value)
            {
                if (!ulong.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var u)) throw new UsageException(name + ": expected a whole number ≥ 0, got '" + value + "'.");
                return u;
            }
        }

        private sealed class StderrProgress : IProgress<double>
        {
            private readonly TextWriter stderr;
            private readonly string label;
            private int lastTenth = -1;

            public StderrProgress(TextWriter stderr, string label)
            {
                this.stderr = stderr;
                this.label = label;
            }

            public void Report(double value)
            {
                int tenth = (int)Math.Floor(value * 10);
                if (tenth == lastTenth) return;
                lastTenth = tenth;
                stderr.WriteLine("[" + label + "] " + (tenth * 10).ToString(CultureInfo.InvariantCulture) + "%");
            }
        }
    }
}
