using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Resilience.CostModel;
using Resilience.CostModel.Simulation;

namespace Resilience.Simulator
{
    /// <summary>A scenario file that cannot be used; the message names the field and what it accepts.</summary>
    public sealed class ScenarioFormatException : Exception
    {
        public ScenarioFormatException(string message)
            : base(message)
        {
        }
    }

    /// <summary>
    /// Reads and writes scenario files. Top-level fields describe one run; an optional "runs" array lists runs that
    /// each override some of them (e.g. "cluster": { "nodes": 50 }). Unknown fields are errors, so typos do not pass.
    /// </summary>
    public static class ScenarioJson
    {
        private static readonly string[] AccessNames = { "unbounded-list", "paginated-list", "cached-list", "node-scoped-list", "informer", "watch-without-resume" };
        private static readonly string[] KindNames = { "DaemonSet", "Deployment", "StatefulSet" };
        private static readonly string[] ResourceNames = { "pod", "node", "service", "endpoints", "endpointslice", "other" };
        private static readonly string[] ScopeNames = { "all-namespaces", "namespace", "cluster" };
        private static readonly string[] RetryNames = { "none", "immediate", "exponential-jitter" };
        private static readonly string[] BackendNames = { "keeps-answering", "fails" };
        private static readonly string[] EncodingNames = { "json", "protobuf" };

        public static Scenario Parse(string json, string source = "scenario")
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException ex)
            {
                throw new ScenarioFormatException(source + ": malformed JSON at line " + ((ex.LineNumber ?? 0) + 1) + ", byte " + ((ex.BytePositionInLine ?? 0) + 1) + ": " + FirstSentence(ex.Message));
            }

            using (doc)
            {
                var root = doc.RootElement;
                Expect(root, JsonValueKind.Object, "(root)");
                CheckFields(root, "(root)", "name", "description", "label", "durationSeconds", "stepSeconds", "reportEverySeconds", "seed", "unlimitedCapacity", "cluster", "workloads", "dns", "outages", "runs");
                var scenario = new Scenario
                {
                    Name = String(root, "name", "(root)") ?? Path.GetFileNameWithoutExtension(source),
                    Description = String(root, "description", "(root)") ?? "",
                };
                var baseRun = new SimulationInput { Label = scenario.Name };
                ApplyRun(root, baseRun, "");
                if (root.TryGetProperty("runs", out var runs))
                {
                    Expect(runs, JsonValueKind.Array, "runs");
                    int i = 0;
                    foreach (var r in runs.EnumerateArray())
                    {
                        string at = "runs[" + i + "]";
                        Expect(r, JsonValueKind.Object, at);
                        CheckFields(r, at, "label", "durationSeconds", "stepSeconds", "reportEverySeconds", "seed", "unlimitedCapacity", "cluster", "workloads", "dns", "outages");
                        var run = baseRun.Clone();
                        run.Label = scenario.Name + " #" + (i + 1);
                        ApplyRun(r, run, at + ".");
                        scenario.Runs.Add(Validated(run, at + "."));
                        i++;
                    }

                    if (i == 0) throw new ScenarioFormatException("runs: must list at least one run (or leave it out for one run)");
                }
                else
                {
                    scenario.Runs.Add(Validated(baseRun, ""));
                }

                return scenario;
            }
        }

        public static Scenario Load(string path)
            => Parse(ReadText(path, reason => new ScenarioFormatException(path + ": cannot read the file: " + reason)), path);

        /// <summary>A file's text; a failure to read it (missing, a folder, no permission) becomes <paramref name="fail"/>'s exception.</summary>
        internal static string ReadText(string path, Func<string, Exception> fail)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw fail(ex.Message);
            }
        }

        /// <summary>Writes every field of every run, so the file documents the defaults it was made from.</summary>
        public static string Write(Scenario scenario)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteString("name", scenario.Name);
                w.WriteString("description", scenario.Description);
                w.WriteStartArray("runs");
                foreach (var run in scenario.Runs) WriteRun(w, run);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        }

        private static SimulationInput Validated(SimulationInput run, string prefix)
        {
            try
            {
                run.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new ScenarioFormatException(prefix + FirstLine(ex.Message));
            }

            return run;
        }

        private static void ApplyRun(JsonElement e, SimulationInput run, string at)
        {
            run.Label = String(e, "label", at) ?? run.Label;
            run.DurationSeconds = Number(e, "durationSeconds", at) ?? run.DurationSeconds;
            run.StepSeconds = Number(e, "stepSeconds", at) ?? run.StepSeconds;
            run.ReportEverySeconds = Number(e, "reportEverySeconds", at) ?? run.ReportEverySeconds;
            if (e.TryGetProperty("seed", out var seed))
            {
                if (seed.ValueKind != JsonValueKind.Number || !seed.TryGetUInt64(out var s)) throw new ScenarioFormatException(at + "seed: expected a whole number ≥ 0, got " + Describe(seed));
                run.Seed = s;
            }

            run.UnlimitedCapacity = Bool(e, "unlimitedCapacity", at) ?? run.UnlimitedCapacity;
            if (e.TryGetProperty("cluster", out var cluster)) ApplyCluster(cluster, run.Cluster, at + "cluster");
            if (e.TryGetProperty("workloads", out var workloads))
            {
                Expect(workloads, JsonValueKind.Array, at + "workloads");
                run.Workloads = new List<WorkloadSpec>();
                int i = 0;
                foreach (var we in workloads.EnumerateArray())
                {
                    var w = new WorkloadSpec();
                    ApplyWorkload(we, w, at + "workloads[" + i + "]");
                    run.Workloads.Add(w);
                    i++;
                }
            }

            if (e.TryGetProperty("dns", out var dns)) ApplyDns(dns, run.Dns, at + "dns");
            if (e.TryGetProperty("outages", out var outages))
            {
                Expect(outages, JsonValueKind.Array, at + "outages");
                run.Outages = new List<Outage>();
                int i = 0;
                foreach (var oe in outages.EnumerateArray())
                {
                    string oat = at + "outages[" + i + "]";
                    Expect(oe, JsonValueKind.Object, oat);
                    CheckFields(oe, oat, "atSeconds", "durationSeconds");
                    run.Outages.Add(new Outage { AtSeconds = Number(oe, "atSeconds", oat) ?? 0, DurationSeconds = Required(oe, "durationSeconds", oat) });
                    i++;
                }
            }
        }

        private static void ApplyCluster(JsonElement e, ClusterSpec c, string at)
        {
            Expect(e, JsonValueKind.Object, at);
            CheckFields(e, at, "nodes", "podsPerNode", "objects", "objectBytes", "apiServers", "coresPerApiServer", "memoryLimitGB", "maxRequestsInflight", "maxMutatingRequestsInflight", "agentPriorityLevelSeats", "queueLengthPerApiServer", "maxQueueWaitSeconds", "restartSeconds", "consistentReadsFromCache", "podChurnPerPodPerSecond", "encoding");
            c.Nodes = Int(e, "nodes", at) ?? c.Nodes;
            c.PodsPerNode = Int(e, "podsPerNode", at) ?? c.PodsPerNode;
            c.ApiServers = Int(e, "apiServers", at) ?? c.ApiServers;
            c.CoresPerApiServer = Int(e, "coresPerApiServer", at) ?? c.CoresPerApiServer;
            var gb = Number(e, "memoryLimitGB", at);
            if (gb.HasValue) c.MemoryLimitBytesPerApiServer = (long)Math.Round(gb.Value * 1e9);
            c.MaxRequestsInflight = Int(e, "maxRequestsInflight", at) ?? c.MaxRequestsInflight;
            c.MaxMutatingRequestsInflight = Int(e, "maxMutatingRequestsInflight", at) ?? c.MaxMutatingRequestsInflight;
            c.AgentPriorityLevelSeats = Int(e, "agentPriorityLevelSeats", at) ?? c.AgentPriorityLevelSeats;
            c.QueueLengthPerApiServer = Int(e, "queueLengthPerApiServer", at) ?? c.QueueLengthPerApiServer;
            c.MaxQueueWaitSeconds = Number(e, "maxQueueWaitSeconds", at) ?? c.MaxQueueWaitSeconds;
            c.RestartSeconds = Number(e, "restartSeconds", at) ?? c.RestartSeconds;
            c.ConsistentReadsFromCache = Bool(e, "consistentReadsFromCache", at) ?? c.ConsistentReadsFromCache;
            c.PodChurnPerPodPerSecond = Number(e, "podChurnPerPodPerSecond", at) ?? c.PodChurnPerPodPerSecond;
            var enc = Enum(e, "encoding", at, EncodingNames);
            if (enc.HasValue) c.Encoding = (WireEncoding)enc.Value;
            if (e.TryGetProperty("objects", out var objects))
            {
                foreach (var (kind, value, vat) in KindMap(objects, at + ".objects"))
                {
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n) || n < 0) throw new ScenarioFormatException(vat + ": expected a whole number ≥ 0, got " + Describe(value));
                    c.Objects[kind] = n;
                }
            }

            if (e.TryGetProperty("objectBytes", out var bytes))
            {
                foreach (var (kind, value, vat) in KindMap(bytes, at + ".objectBytes"))
                {
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < 1) throw new ScenarioFormatException(vat + ": expected a whole number ≥ 1, got " + Describe(value));
                    c.ObjectBytes[kind] = n;
                }
            }
        }

        private static void ApplyWorkload(JsonElement e, WorkloadSpec w, string at)
        {
            Expect(e, JsonValueKind.Object, at);
            CheckFields(e, at, "name", "kind", "replicas", "resource", "access", "scope", "nodeScoped", "nameScoped", "pageSize", "pollSeconds", "jitter", "retry", "timeoutSeconds", "rollout");
            w.Name = String(e, "name", at) ?? w.Name;
            var kind = Enum(e, "kind", at, KindNames, "workload kind");
            if (kind.HasValue) w.Kind = (WorkloadKind)kind.Value;
            w.Replicas = Int(e, "replicas", at) ?? w.Replicas;
            var resource = Enum(e, "resource", at, ResourceNames, "resource");
            if (resource.HasValue) w.Resource = ResourceFromIndex(resource.Value);
            var access = Enum(e, "access", at, AccessNames, "access pattern", ("rv0-list", 2));
            if (access.HasValue) w.Access = (AccessPattern)access.Value;
            var scope = Enum(e, "scope", at, ScopeNames, "scope");
            if (scope.HasValue) w.Scope = ScopeFromIndex(scope.Value);
            w.NodeScoped = Bool(e, "nodeScoped", at) ?? w.NodeScoped;
            w.NameScoped = Bool(e, "nameScoped", at) ?? w.NameScoped;
            w.PageSize = Int(e, "pageSize", at) ?? w.PageSize;
            w.PollSeconds = Number(e, "pollSeconds", at) ?? w.PollSeconds;
            w.Jitter = Number(e, "jitter", at) ?? w.Jitter;
            w.TimeoutSeconds = Number(e, "timeoutSeconds", at) ?? w.TimeoutSeconds;
            if (e.TryGetProperty("retry", out var retry))
            {
                string rat = at + ".retry";
                Expect(retry, JsonValueKind.Object, rat);
                CheckFields(retry, rat, "policy", "maxAttempts", "initialSeconds", "capSeconds", "jitter");
                var policy = Enum(retry, "policy", rat, RetryNames, "retry policy");
                if (policy.HasValue) w.Retry.Policy = (RetryPolicy)policy.Value;
                w.Retry.MaxAttempts = Int(retry, "maxAttempts", rat) ?? w.Retry.MaxAttempts;
                w.Retry.InitialSeconds = Number(retry, "initialSeconds", rat) ?? w.Retry.InitialSeconds;
                w.Retry.CapSeconds = Number(retry, "capSeconds", rat) ?? w.Retry.CapSeconds;
                w.Retry.Jitter = Number(retry, "jitter", rat) ?? w.Retry.Jitter;
            }

            if (e.TryGetProperty("rollout", out var rollout))
            {
                string rat = at + ".rollout";
                Expect(rollout, JsonValueKind.Array, rat);
                w.Rollout = new List<RolloutWave>();
                int i = 0;
                foreach (var we in rollout.EnumerateArray())
                {
                    string wat = rat + "[" + i + "]";
                    Expect(we, JsonValueKind.Object, wat);
                    CheckFields(we, wat, "atSeconds", "durationSeconds", "fraction");
                    w.Rollout.Add(new RolloutWave { AtSeconds = Number(we, "atSeconds", wat) ?? 0, DurationSeconds = Number(we, "durationSeconds", wat) ?? 0, Fraction = Number(we, "fraction", wat) ?? 1 });
                    i++;
                }
            }
        }

        private static void ApplyDns(JsonElement e, DnsSpec d, string at)
        {
            Expect(e, JsonValueKind.Object, at);
            CheckFields(e, at, "layers", "backend", "coreDnsRestartsPerHour", "clientServeStale", "clientMaxStaleSeconds", "controlPlaneStableSeconds");
            var backend = Enum(e, "backend", at, BackendNames, "DNS backend behaviour");
            if (backend.HasValue) d.Backend = (DnsBackendDuringOutage)backend.Value;
            d.CoreDnsRestartsPerHour = Number(e, "coreDnsRestartsPerHour", at) ?? d.CoreDnsRestartsPerHour;
            d.ClientServeStale = Bool(e, "clientServeStale", at) ?? d.ClientServeStale;
            d.ClientMaxStaleSeconds = Number(e, "clientMaxStaleSeconds", at) ?? d.ClientMaxStaleSeconds;
            d.ControlPlaneStableSeconds = Number(e, "controlPlaneStableSeconds", at) ?? d.ControlPlaneStableSeconds;
            if (e.TryGetProperty("layers", out var layers))
            {
                Expect(layers, JsonValueKind.Array, at + ".layers");
                d.Layers = new List<DnsCacheLayer>();
                int i = 0;
                foreach (var le in layers.EnumerateArray())
                {
                    string lat = at + ".layers[" + i + "]";
                    Expect(le, JsonValueKind.Object, lat);
                    CheckFields(le, lat, "name", "ttlSeconds", "serveStaleSeconds");
                    d.Layers.Add(new DnsCacheLayer
                    {
                        Name = String(le, "name", lat) ?? "cache",
                        TtlSeconds = Required(le, "ttlSeconds", lat),
                        ServeStaleSeconds = Number(le, "serveStaleSeconds", lat) ?? 0,
                    });
                    i++;
                }
            }
        }

        private static void WriteRun(Utf8JsonWriter w, SimulationInput run)
        {
            w.WriteStartObject();
            w.WriteString("label", run.Label);
            w.WriteNumber("durationSeconds", run.DurationSeconds);
            w.WriteNumber("stepSeconds", run.StepSeconds);
            w.WriteNumber("reportEverySeconds", run.ReportEverySeconds);
            w.WriteNumber("seed", run.Seed);
            w.WriteBoolean("unlimitedCapacity", run.UnlimitedCapacity);
            var c = run.Cluster;
            w.WriteStartObject("cluster");
            w.WriteNumber("nodes", c.Nodes);
            w.WriteNumber("podsPerNode", c.PodsPerNode);
            w.WriteStartObject("objects");
            foreach (var pair in c.Objects.OrderBy(p => p.Key)) w.WriteNumber(ResourceName(pair.Key), pair.Value);
            w.WriteEndObject();
            w.WriteStartObject("objectBytes");
            foreach (var pair in c.ObjectBytes.OrderBy(p => p.Key)) w.WriteNumber(ResourceName(pair.Key), pair.Value);
            w.WriteEndObject();
            w.WriteNumber("apiServers", c.ApiServers);
            w.WriteNumber("coresPerApiServer", c.CoresPerApiServer);
            w.WriteNumber("memoryLimitGB", c.MemoryLimitBytesPerApiServer / 1e9);
            w.WriteNumber("maxRequestsInflight", c.MaxRequestsInflight);
            w.WriteNumber("maxMutatingRequestsInflight", c.MaxMutatingRequestsInflight);
            w.WriteNumber("agentPriorityLevelSeats", c.AgentPriorityLevelSeats);
            w.WriteNumber("queueLengthPerApiServer", c.QueueLengthPerApiServer);
            w.WriteNumber("maxQueueWaitSeconds", c.MaxQueueWaitSeconds);
            w.WriteNumber("restartSeconds", c.RestartSeconds);
            w.WriteBoolean("consistentReadsFromCache", c.ConsistentReadsFromCache);
            w.WriteNumber("podChurnPerPodPerSecond", c.PodChurnPerPodPerSecond);
            w.WriteString("encoding", EncodingNames[(int)c.Encoding]);
            w.WriteEndObject();
            w.WriteStartArray("workloads");
            foreach (var wl in run.Workloads)
            {
                w.WriteStartObject();
                w.WriteString("name", wl.Name);
                w.WriteString("kind", KindNames[(int)wl.Kind]);
                w.WriteNumber("replicas", wl.Replicas);
                w.WriteString("resource", ResourceName(wl.Resource));
                w.WriteString("access", AccessNames[(int)wl.Access]);
                w.WriteString("scope", ScopeName(wl.Scope));
                w.WriteBoolean("nodeScoped", wl.NodeScoped);
                w.WriteBoolean("nameScoped", wl.NameScoped);
                w.WriteNumber("pageSize", wl.PageSize);
                w.WriteNumber("pollSeconds", wl.PollSeconds);
                w.WriteNumber("jitter", wl.Jitter);
                w.WriteStartObject("retry");
                w.WriteString("policy", RetryNames[(int)wl.Retry.Policy]);
                w.WriteNumber("maxAttempts", wl.Retry.MaxAttempts);
                w.WriteNumber("initialSeconds", wl.Retry.InitialSeconds);
                w.WriteNumber("capSeconds", wl.Retry.CapSeconds);
                w.WriteNumber("jitter", wl.Retry.Jitter);
                w.WriteEndObject();
                w.WriteNumber("timeoutSeconds", wl.TimeoutSeconds);
                w.WriteStartArray("rollout");
                foreach (var wave in wl.Rollout)
                {
                    w.WriteStartObject();
                    w.WriteNumber("atSeconds", wave.AtSeconds);
                    w.WriteNumber("durationSeconds", wave.DurationSeconds);
                    w.WriteNumber("fraction", wave.Fraction);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            var d = run.Dns;
            w.WriteStartObject("dns");
            w.WriteString("backend", BackendNames[(int)d.Backend]);
            w.WriteStartArray("layers");
            foreach (var l in d.Layers)
            {
                w.WriteStartObject();
                w.WriteString("name", l.Name);
                w.WriteNumber("ttlSeconds", l.TtlSeconds);
                w.WriteNumber("serveStaleSeconds", l.ServeStaleSeconds);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("coreDnsRestartsPerHour", d.CoreDnsRestartsPerHour);
            w.WriteBoolean("clientServeStale", d.ClientServeStale);
            w.WriteNumber("clientMaxStaleSeconds", d.ClientMaxStaleSeconds);
            w.WriteNumber("controlPlaneStableSeconds", d.ControlPlaneStableSeconds);
            w.WriteEndObject();
            w.WriteStartArray("outages");
            foreach (var o in run.Outages)
            {
                w.WriteStartObject();
                w.WriteNumber("atSeconds", o.AtSeconds);
                w.WriteNumber("durationSeconds", o.DurationSeconds);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        internal static string AccessName(AccessPattern a) => AccessNames[(int)a];

        internal static string RetryName(RetryPolicy p) => RetryNames[(int)p];

        internal static string ResourceName(ResourceKind kind)
            => kind switch
            {
                ResourceKind.Pod => "pod",
                ResourceKind.Node => "node",
                ResourceKind.Service => "service",
                ResourceKind.Endpoints => "endpoints",
                ResourceKind.EndpointSlice => "endpointslice",
                _ => "other",
            };

        internal static string ScopeName(RequestScope scope)
            => scope switch
            {
                RequestScope.Namespace => "namespace",
                RequestScope.Cluster => "cluster",
                _ => "all-namespaces",
            };

        private static ResourceKind ResourceFromIndex(int i)
            => i switch
            {
                0 => ResourceKind.Pod,
                1 => ResourceKind.Node,
                2 => ResourceKind.Service,
                3 => ResourceKind.Endpoints,
                4 => ResourceKind.EndpointSlice,
                _ => ResourceKind.Other,
            };

        private static RequestScope ScopeFromIndex(int i) => i == 1 ? RequestScope.Namespace : i == 2 ? RequestScope.Cluster : RequestScope.AllNamespaces;

        private static IEnumerable<(ResourceKind Kind, JsonElement Value, string At)> KindMap(JsonElement e, string at)
        {
            Expect(e, JsonValueKind.Object, at);
            foreach (var p in e.EnumerateObject())
            {
                int i = Array.FindIndex(ResourceNames, n => string.Equals(n, p.Name, StringComparison.OrdinalIgnoreCase));
                if (i < 0) throw new ScenarioFormatException(at + "." + p.Name + ": unknown resource '" + p.Name + "'; accepted: " + string.Join(", ", ResourceNames));
                yield return (ResourceFromIndex(i), p.Value, at + "." + p.Name);
            }
        }

        private static void CheckFields(JsonElement e, string at, params string[] accepted)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (Array.IndexOf(accepted, p.Name) < 0)
                {
                    throw new ScenarioFormatException((at == "(root)" ? "" : at + ".") + p.Name + ": unknown field; accepted here: " + string.Join(", ", accepted));
                }
            }
        }

        private static void Expect(JsonElement e, JsonValueKind kind, string at)
        {
            if (e.ValueKind != kind) throw new ScenarioFormatException(at + ": expected " + (kind == JsonValueKind.Object ? "an object" : "an array") + ", got " + Describe(e));
        }

        private static string Field(string at, string name) => at.Length == 0 || at == "(root)" ? name : at.EndsWith(".", StringComparison.Ordinal) ? at + name : at + "." + name;

        private static double? Number(JsonElement e, string name, string at)
        {
            if (!e.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || double.IsNaN(d) || double.IsInfinity(d)) throw new ScenarioFormatException(Field(at, name) + ": expected a number, got " + Describe(v));
            return d;
        }

        private static double Required(JsonElement e, string name, string at)
            => Number(e, name, at) ?? throw new ScenarioFormatException(Field(at, name) + ": required (a number)");

        private static int? Int(JsonElement e, string name, string at)
        {
            if (!e.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i)) throw new ScenarioFormatException(Field(at, name) + ": expected a whole number, got " + Describe(v));
            return i;
        }

        private static bool? Bool(JsonElement e, string name, string at)
        {
            if (!e.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind != JsonValueKind.True && v.ValueKind != JsonValueKind.False) throw new ScenarioFormatException(Field(at, name) + ": expected true or false, got " + Describe(v));
            return v.GetBoolean();
        }

        private static string? String(JsonElement e, string name, string at)
        {
            if (!e.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind != JsonValueKind.String) throw new ScenarioFormatException(Field(at, name) + ": expected a string, got " + Describe(v));
            return v.GetString();
        }

        private static int? Enum(JsonElement e, string name, string at, string[] accepted, string what = "value", params (string Alias, int Index)[] aliases)
        {
            var s = String(e, name, at);
            if (s is null) return null;
            int i = Array.FindIndex(accepted, n => string.Equals(n, s, StringComparison.OrdinalIgnoreCase));
            if (i >= 0) return i;
            foreach (var (alias, index) in aliases)
            {
                if (string.Equals(alias, s, StringComparison.OrdinalIgnoreCase)) return index;
            }

            throw new ScenarioFormatException(Field(at, name) + ": unknown " + what + " '" + s + "'; accepted: " + string.Join(", ", accepted));
        }

        private static string Describe(JsonElement v)
            => v.ValueKind switch
            {
                JsonValueKind.String => "the string \"" + v.GetString() + "\"",
                JsonValueKind.Number => "the number " + v.GetRawText(),
                JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
                JsonValueKind.Null => "null",
                JsonValueKind.Array => "an array",
                _ => "an object",
            };

        private static string FirstSentence(string message)
        {
            int i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return (i > 0 ? message.Substring(0, i) : message).Trim();
        }

        private static string FirstLine(string message)
        {
            int i = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            return i > 0 ? message.Substring(0, i) : message;
        }

        internal static string Invariant(double d) => d.ToString(CultureInfo.InvariantCulture);
    }
}
