using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Resilience.Simulator.Forecast
{
    /// <summary>A log the forecast cannot use: not SARIF 2.1, no ResilienceAnalyzers in it, a property or value it does not know.</summary>
    public sealed class ForecastInputException : Exception
    {
        public ForecastInputException(string message)
            : base(message)
        {
        }
    }

    /// <summary>One RES result of a build's SARIF log.</summary>
    public sealed class Finding
    {
        public Finding(string ruleId, string file, int line, int column, string level, string message, IReadOnlyDictionary<string, string> properties)
        {
            RuleId = ruleId;
            File = file;
            Line = line;
            Column = column;
            Level = level;
            Message = message;
            Properties = properties;
        }

        public string RuleId { get; }

        /// <summary>The file as the log names it (a <c>file://</c> URI from the compiler).</summary>
        public string File { get; }

        public int Line { get; }

        public int Column { get; }

        /// <summary>SARIF level: "warning", "note", "error".</summary>
        public string Level { get; }

        public string Message { get; }

        /// <summary>The diagnostic's properties (Roslyn writes them under the result's <c>properties.customProperties</c>).</summary>
        public IReadOnlyDictionary<string, string> Properties { get; }

        /// <summary>"TelemetryAgent.cs:49:54": the call site several rules can share.</summary>
        public string Site => Path.GetFileName(Uri.TryCreate(File, UriKind.Absolute, out var uri) && uri.IsFile ? uri.LocalPath : File) + ":" + Line + ":" + Column;

        public string? Get(string name) => Properties.TryGetValue(name, out var v) ? v : null;
    }

    /// <summary>
    /// Reads the RES results of a SARIF 2.1 log as the C# compiler writes it (<c>dotnet build -p:ErrorLog=x.sarif%2Cversion=2.1</c>):
    /// checked on a real build of samples/NodeTelemetryAgent (SDK 10): <c>runs[0].tool.driver.rules</c> lists every rule the
    /// loaded analyzers support, reported or not; each result carries the diagnostic's properties under
    /// <c>properties.customProperties</c>, strings only, next to the compiler's own <c>properties.warningLevel</c>.
    /// </summary>
    public static class SarifFindings
    {
        /// <summary>The rules of ResilienceAnalyzers (src/ResilienceAnalyzers/RuleIdentifiers.cs).</summary>
        public static readonly IReadOnlyList<string> Rules = new[] { "RES0001", "RES1001", "RES1002", "RES1003", "RES1004", "RES1005", "RES1006", "RES2001", "RES2002", "RES2003", "RES2004" };

        /// <summary>
        /// Every property a RES diagnostic carries (Kubernetes/CostText.cs, RES1002's fixer hints, RES1003's OneKey, RES1005's delay, RES2001's
        /// replacement, RES2004's site kind). Anything else means a log from another version: refused rather than misread.
        /// </summary>
        public static readonly IReadOnlyCollection<string> KnownProperties = new HashSet<string>(StringComparer.Ordinal)
        {
            "Verb", "Resource", "Scope", "NodeScoped", "NameScoped", "ResourceVersionZero", "PageSize", "PeriodSeconds", "Repeats",
            "FanOut", "Copies", "ClusterNodes", "PodsPerNode", "ServedFrom", "ObjectsProcessedPerCall", "ObjectsReturnedPerCall",
            "BytesPerCall", "ApiServerMemoryBytesPerCall", "SeatsPerCall", "RequestsPerMinute", "ObjectsProcessedPerMinute",
            "CountKnown", "Kind", "Variable", "RetryDelay", "RetryDelaySeconds", "Replacement", "OneKey",
        };

        /// <summary>What every RES1001–RES1004 result carries: the request the forecast prices.</summary>
        private static readonly string[] RequestProperties = { "Verb", "Resource", "Scope", "NodeScoped", "NameScoped", "ResourceVersionZero", "FanOut", "Copies" };

        public static IReadOnlyList<Finding> Load(string path)
            => Parse(ScenarioJson.ReadText(path, reason => new ForecastInputException(path + ": cannot read the log: " + reason)), path);

        public static IReadOnlyList<Finding> Parse(string json, string source)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json);
            }
            catch (JsonException)
            {
                throw new ForecastInputException(source + ": not a SARIF log (not JSON); build with -p:ErrorLog=" + Path.GetFileName(source) + "%2Cversion=2.1");
            }

            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("runs", out var runs) || runs.ValueKind != JsonValueKind.Array)
                {
                    throw new ForecastInputException(source + ": not a SARIF log (no \"runs\"); build with -p:ErrorLog=" + Path.GetFileName(source) + "%2Cversion=2.1");
                }

                string version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
                if (version != "2.1.0")
                {
                    throw new ForecastInputException(source + ": SARIF version '" + version + "', expected 2.1.0; build with -p:ErrorLog=" + Path.GetFileName(source) + "%2Cversion=2.1");
                }

                var findings = new List<Finding>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                bool analyzersRan = false;
                foreach (var run in runs.EnumerateArray())
                {
                    analyzersRan |= DeclaresResRules(run);
                    if (!run.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array) continue;
                    foreach (var result in results.EnumerateArray())
                    {
                        if (Read(result, source) is Finding f && seen.Add(f.RuleId + "@" + f.File + ":" + f.Line + ":" + f.Column))
                        {
                            analyzersRan = true;
                            findings.Add(f);
                        }
                    }
                }

                if (!analyzersRan)
                {
                    throw new ForecastInputException(source + ": no RES rules or results in the log: was the project built with ResilienceAnalyzers (dotnet add package ResilienceAnalyzers)?");
                }

                // The compiler writes results in the order the analyzers reported them, which varies from build to build
                // (analyzers run concurrently). The model draws its randomness in workload order, so the same build must
                // give the same workloads in the same order: the order of the code.
                findings.Sort((a, b) =>
                {
                    int c = string.CompareOrdinal(a.File, b.File);
                    if (c == 0) c = a.Line.CompareTo(b.Line);
                    if (c == 0) c = a.Column.CompareTo(b.Column);
                    return c != 0 ? c : string.CompareOrdinal(a.RuleId, b.RuleId);
                });
                return findings;
            }
        }

        private static bool DeclaresResRules(JsonElement run)
            => run.TryGetProperty("tool", out var tool) && tool.TryGetProperty("driver", out var driver)
               && driver.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Array
               && rules.EnumerateArray().Any(r => r.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString()!.StartsWith("RES", StringComparison.Ordinal));

        private static Finding? Read(JsonElement result, string source)
        {
            string rule = result.TryGetProperty("ruleId", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            if (!rule.StartsWith("RES", StringComparison.Ordinal)) return null;
            string file = "";
            int line = 0, column = 0;
            if (result.TryGetProperty("locations", out var locations) && locations.ValueKind == JsonValueKind.Array && locations.GetArrayLength() > 0
                && locations[0].TryGetProperty("physicalLocation", out var physical))
            {
                if (physical.TryGetProperty("artifactLocation", out var artifact) && artifact.TryGetProperty("uri", out var uri)) file = uri.GetString() ?? "";
                if (physical.TryGetProperty("region", out var region))
                {
                    line = region.TryGetProperty("startLine", out var l) && l.TryGetInt32(out int li) ? li : 0;
                    column = region.TryGetProperty("startColumn", out var c) && c.TryGetInt32(out int ci) ? ci : 0;
                }
            }

            string at = source + ": " + rule + " at " + Path.GetFileName(file) + ":" + line;
            if (!Rules.Contains(rule)) throw new ForecastInputException(at + ": unknown rule (this forecast knows " + string.Join(", ", Rules) + "); was the log made by a newer ResilienceAnalyzers?");

            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            if (result.TryGetProperty("properties", out var bag) && bag.TryGetProperty("customProperties", out var custom) && custom.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in custom.EnumerateObject())
                {
                    if (!KnownProperties.Contains(p.Name)) throw new ForecastInputException(at + ": unknown property '" + p.Name + "'; was the log made by a newer ResilienceAnalyzers?");
                    if (p.Value.ValueKind != JsonValueKind.String) throw new ForecastInputException(at + ": property '" + p.Name + "' is not a string");
                    properties[p.Name] = p.Value.GetString()!;
                }
            }

            // The Kubernetes request rules describe their request; without it the log predates the forecast.
            if (rule == "RES1001" || rule == "RES1002" || rule == "RES1003" || rule == "RES1004")
            {
                foreach (var needed in RequestProperties)
                {
                    if (!properties.ContainsKey(needed)) throw new ForecastInputException(at + ": no '" + needed + "' property: the log comes from a ResilienceAnalyzers older than this forecast; build again with the current package.");
                }
            }

            string level = result.TryGetProperty("level", out var lv) && lv.ValueKind == JsonValueKind.String ? lv.GetString()! : "warning";
            string message = result.TryGetProperty("message", out var m) && m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
            return new Finding(rule, file, line, column, level, message, properties);
        }
    }
}
