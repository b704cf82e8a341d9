using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Resilience.CostModel;
using Resilience.CostModel.Simulation;

namespace Resilience.Simulator.Forecast
{
    /// <summary>The forecast as a terminal table, as JSON and as one SVG chart per cluster.</summary>
    internal static class ForecastOutput
    {
        public static void WriteTable(TextWriter o, ForecastReport report)
        {
            o.WriteLine("Forecast of " + Path.GetFileName(report.Source) + ": " + report.Findings.Count + " RES findings at " + report.Sites.Count + " call sites.");
            foreach (var site in report.Sites)
            {
                var w = AccessPatterns.Workload(site, out _);
                o.WriteLine("   " + site.Site.PadRight(26) + " " + string.Join(" ", site.Rules).PadRight(24) + " " + (w is null ? "not priced (" + site.Call + ")" : Describe(w)));
            }

            foreach (var note in report.Notes) o.WriteLine("   note: " + note);
            o.WriteLine("Assumptions:");
            foreach (var (name, value, source) in report.Settings.Assumptions()) o.WriteLine("   " + (name + ":").PadRight(42) + value + "  — " + source);
            foreach (var cluster in report.Clusters)
            {
                var c = cluster.AsBuilt.Input.Cluster;
                o.WriteLine();
                o.WriteLine("== " + Quantity.Count(cluster.Nodes) + " nodes × " + c.PodsPerNode + " pods: " + Verdict(cluster.AsBuilt) + " ==");
                o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-30} {1,14} {2,12} {3,16} {4,10} {5,9} {6,11} {7,7} {8,11} {9,19}",
                    "", "peak CPU/cap", "seats/cap", "mem per server", "saturated", "CP lost", "shed (429)", "failed", "DNS ✗ from", "DNS ✗ after loss"));
                foreach (var v in cluster.Variants)
                {
                    var s = v.Result?.Summary;
                    o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-30} {1,14} {2,12} {3,16} {4,10} {5,9} {6,11} {7,7} {8,11} {9,19}",
                        v.Name.Length > 30 ? v.Name.Substring(0, 29) + "…" : v.Name,
                        s is null ? "-" : TableOutput.Whole(s.PeakCpuDemandCores) + "/" + TableOutput.Whole(c.ApiServers * (double)c.CoresPerApiServer),
                        s is null ? "-" : TableOutput.Whole(s.PeakSeatsInUse) + "/" + TableOutput.Whole(c.ApiServers * (double)c.AgentPriorityLevelSeats),
                        s is null ? "-" : Quantity.Bytes(s.PeakMemoryPerApiServerBytes) + (s.PeakMemoryPerApiServerBytes > c.MemoryLimitBytesPerApiServer ? " OOM" : ""),
                        At(s?.SaturatedAtSeconds),
                        At(s?.ControlPlaneLostAtSeconds),
                        s is null ? "0" : Quantity.Count(s.TotalRejected),
                        s is null ? "0%" : TableOutput.Percent(s.FailedFraction),
                        At(s?.FirstDnsFailureAtSeconds),
                        AfterLoss(v)));
                }
            }

            if (report.SaturationPoint is SaturationPoint point)
            {
                o.WriteLine();
                o.WriteLine(SaturationText(point));
            }

            o.WriteLine();
            o.WriteLine("Times are since the rollout started (min:s). Peak CPU is the offered load of admitted requests; '-': no finding loads the API servers.");
            o.WriteLine("DNS ✗ from: first failing cluster-name lookup in the run; after loss: how long lookups last once the control plane is lost, from any cause.");
        }

        /// <summary>"collapses: saturated at 0:02, control plane lost at 0:04" / "holds".</summary>
        public static string Verdict(ForecastVariant v)
        {
            var s = v.Result?.Summary;
            if (s is null) return "the build as it is holds: no finding loads the API servers";
            if (s.Healthy) return "the build as it is holds";
            return s.ControlPlaneLostAtSeconds is double lost
                ? "the build as it is takes the control plane down at " + TableOutput.Clock(lost) + " (saturated at " + TableOutput.Clock(s.SaturatedAtSeconds ?? lost) + ")"
                : "the build as it is saturates the API servers at " + TableOutput.Clock(s.SaturatedAtSeconds!.Value) + " (" + Quantity.Count(s.TotalRejected) + " requests shed)";
        }

        /// <summary>"1 s, half 15 s": the first failing lookup after a control-plane loss, and half of them failing.</summary>
        private static string AfterLoss(ForecastVariant v)
            => v.DnsFailsAfterLossSeconds is double first
                ? Quantity.Duration(TimeSpan.FromSeconds(first)) + (v.DnsHalfFailingAfterLossSeconds is double half ? ", half " + Quantity.Duration(TimeSpan.FromSeconds(half)) : "")
                : "never";

        /// <summary>"Saturation point: the build as it is saturates the API servers from 1,100 nodes (holds at 1,075)".</summary>
        public static string SaturationText(SaturationPoint point)
            => point.Nodes is int nodes
                ? "Saturation point: the build as it is saturates the API servers from " + Quantity.Count(nodes) + " nodes (holds at " + Quantity.Count(point.HoldsAt) + "; same pods per node and control plane)."
                : "Saturation point: the build as it is holds up to " + Quantity.Count(point.HoldsAt) + " nodes, the largest size searched.";

        private static string At(double? seconds) => seconds is double s ? TableOutput.Clock(s) : "never";

        /// <summary>"DaemonSet, unbounded-list of pods (all-namespaces), every 30 s, retry none".</summary>
        internal static string Describe(WorkloadSpec w)
            => (w.Kind == WorkloadKind.DaemonSet ? "DaemonSet" : w.Kind + " × " + w.Replicas) + ", " + ScenarioJson.AccessName(w.Access) + " of " + ScenarioJson.ResourceName(w.Resource) + "s ("
               + (w.NodeScoped ? "spec.nodeName" : w.NameScoped ? "metadata.name" : ScenarioJson.ScopeName(w.Scope)) + ")"
               + (w.PollSeconds > 0 ? ", every " + ForecastSettings.Invariant(w.PollSeconds) + " s" : w.Access == AccessPattern.Informer || w.Access == AccessPattern.WatchWithoutResume ? "" : ", once")
               + ", retry " + ScenarioJson.RetryName(w.Retry.Policy);

        public static string WriteJson(ForecastReport report)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteString("log", report.Source);
                w.WriteNumber("findings", report.Findings.Count);
                w.WriteStartArray("sites");
                foreach (var site in report.Sites)
                {
                    w.WriteStartObject();
                    w.WriteString("site", site.Site);
                    w.WriteString("call", site.Call);
                    w.WriteStartArray("rules");
                    foreach (var r in site.Rules) w.WriteStringValue(r);
                    w.WriteEndArray();
                    var spec = AccessPatterns.Workload(site, out _);
                    if (spec is null) w.WriteNull("workload");
                    else w.WriteString("workload", Describe(spec));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("notes");
                foreach (var n in report.Notes) w.WriteStringValue(n);
                w.WriteEndArray();
                w.WriteStartArray("assumptions");
                foreach (var (name, value, source) in report.Settings.Assumptions())
                {
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    w.WriteString("value", value);
                    w.WriteString("source", source);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                if (report.SaturationPoint is SaturationPoint point)
                {
                    w.WriteStartObject("saturationPoint");
                    if (point.Nodes is int n) w.WriteNumber("nodes", n);
                    else w.WriteNull("nodes");
                    w.WriteNumber("holdsAtNodes", point.HoldsAt);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("saturationPoint");
                }

                w.WriteStartArray("clusters");
                foreach (var cluster in report.Clusters)
                {
                    w.WriteStartObject();
                    w.WriteNumber("nodes", cluster.Nodes);
                    w.WriteNumber("podsPerNode", cluster.AsBuilt.Input.Cluster.PodsPerNode);
                    w.WriteBoolean("saturates", cluster.AsBuilt.Saturates);
                    w.WriteStartArray("variants");
                    foreach (var v in cluster.Variants) WriteVariant(w, v);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        }

        private static void WriteVariant(Utf8JsonWriter w, ForecastVariant v)
        {
            w.WriteStartObject();
            w.WriteString("name", v.Name);
            w.WriteStartArray("fixes");
            foreach (var f in v.Fixes.Select(f => f.Rule + " " + f.Fix).Distinct()) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteBoolean("clientServeStale", v.Input.Dns.ClientServeStale);
            Nullable(w, "dnsFailsAfterLossSeconds", v.DnsFailsAfterLossSeconds);
            Nullable(w, "dnsHalfFailingAfterLossSeconds", v.DnsHalfFailingAfterLossSeconds);
            var s = v.Result?.Summary;
            w.WriteBoolean("healthy", s?.Healthy ?? true);
            Nullable(w, "saturatedAtSeconds", s?.SaturatedAtSeconds);
            Nullable(w, "controlPlaneLostAtSeconds", s?.ControlPlaneLostAtSeconds);
            Nullable(w, "sloBreachedAtSeconds", s?.SloBreachedAtSeconds);
            Nullable(w, "firstDnsFailureAtSeconds", s?.FirstDnsFailureAtSeconds);
            Nullable(w, "dnsHalfFailingAtSeconds", s?.DnsHalfFailingAtSeconds);
            w.WriteNumber("restarts", s?.Restarts ?? 0);
            w.WriteNumber("peakCpuDemandCores", Round(s?.PeakCpuDemandCores ?? 0));
            w.WriteNumber("peakSeatsInUse", Round(s?.PeakSeatsInUse ?? 0));
            w.WriteNumber("peakMemoryPerApiServerBytes", Round(s?.PeakMemoryPerApiServerBytes ?? 0));
            w.WriteNumber("peakRequestsPerSecond", Round(s?.PeakRequestsPerSecond ?? 0));
            w.WriteNumber("peakObjectsProcessedPerSecond", Round(s?.PeakObjectsProcessedPerSecond ?? 0));
            w.WriteNumber("totalRequests", s?.TotalRequests ?? 0);
            w.WriteNumber("totalRejected", s?.TotalRejected ?? 0);
            w.WriteNumber("totalFailed", s?.TotalFailed ?? 0);
            w.WriteNumber("totalTimeouts", s?.TotalTimeouts ?? 0);
            w.WriteNumber("totalObjectsProcessed", Round(s?.TotalObjectsProcessed ?? 0));
            w.WriteNumber("maxDnsFailureFraction", Round(s?.MaxDnsFailureFraction ?? 0));
            w.WriteStartArray("timeline");
            foreach (var row in v.Result?.Rows ?? Array.Empty<TimelineRow>())
            {
                w.WriteStartObject();
                w.WriteNumber("timeSeconds", Round(row.TimeSeconds));
                w.WriteNumber("load", Round(Load(row)));
                w.WriteNumber("requestsPerSecond", Round(row.RequestsPerSecond));
                w.WriteNumber("rejectedPerSecond", Round(row.RejectedPerSecond));
                w.WriteNumber("cpuDemandCores", Round(row.CpuDemandCores));
                w.WriteNumber("seatsInUse", Round(row.SeatsInUse));
                w.WriteNumber("peakMemoryPerApiServerBytes", Round(row.PeakMemoryPerApiServerBytes));
                w.WriteNumber("apiServerUpFraction", Round(row.ApiServerUpFraction));
                w.WriteNumber("dnsFailureFraction", Round(row.DnsFailureFraction));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        /// <summary>The binding limit of a row: the largest of CPU, seats and memory as a share of capacity.</summary>
        public static double Load(TimelineRow r)
            => Math.Max(Share(r.CpuDemandCores, r.CpuCapacityCores), Math.Max(Share(r.SeatsInUse, r.SeatCapacity), Share(r.PeakMemoryPerApiServerBytes, r.MemoryLimitBytes)));

        private static double Share(double v, double capacity) => double.IsInfinity(capacity) || capacity <= 0 ? 0 : v / capacity;

        private static double Round(double v) => JsonOutput.Round(v);

        private static void Nullable(Utf8JsonWriter w, string name, double? v) => JsonOutput.Nullable(w, name, v);

        private const int Width = 1080;
        private const int Height = 420;
        private const int Left = 60;
        private const int Right = 320;
        private const int Top = 50;
        private const int Bottom = 60;

        private static readonly string[] Colors = { "#d62728", "#ff7f0e", "#9467bd", "#1f77b4", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#2ca02c" };

        /// <summary>
        /// One cluster: API-server load (the binding one of CPU, seats, memory, as a share of capacity) over time for each
        /// variant — the build as it is in red, "all fixes" in green — and the as-built DNS failure share, dashed.
        /// </summary>
        public static string WriteSvg(ForecastReport report, ClusterForecast cluster)
        {
            var F = (Func<string, object[], string>)((format, args) => SvgChart.F(format, args));
            var sb = new StringBuilder();
            double plotW = Width - Left - Right;
            double plotH = Height - Top - Bottom;
            double end = report.Settings.DurationSeconds;
            const double yMax = 1.5;
            double X(double t) => Left + (plotW * Math.Min(t, end) / end);
            double Y(double v) => Top + plotH - (plotH * Math.Min(yMax, Math.Max(0, v)) / yMax);

            sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            sb.Append(F("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n", new object[] { Width, Height }));
            string title = "Forecast of " + Path.GetFileName(report.Source) + " — " + Quantity.Count(cluster.Nodes) + " nodes × " + cluster.AsBuilt.Input.Cluster.PodsPerNode + " pods";
            sb.Append("<title>").Append(SvgChart.Escape(title)).Append("</title>\n");
            sb.Append(F("<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n", new object[] { Width, Height }));
            sb.Append(F("<text x=\"{0}\" y=\"25\" font-size=\"14\" font-weight=\"bold\">{1}</text>\n", new object[] { Left, SvgChart.Escape(title) }));
            sb.Append(F("<text x=\"{0}\" y=\"42\" fill=\"#555\">{1}</text>\n", new object[] { Left, SvgChart.Escape(Verdict(cluster.AsBuilt)) }));
            sb.Append(F("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" fill=\"none\" stroke=\"#ccc\"/>\n", new object[] { Left, Top, plotW, plotH }));
            foreach (var v in new[] { 0, 0.5, 1.0, 1.5 })
            {
                sb.Append(F("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-dasharray=\"{4}\"/>\n", new object[] { Left, Y(v), Left + plotW, v == 1.0 ? "#000" : "#eee", v == 1.0 ? "4 3" : "none" }));
                sb.Append(F("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\">{2}%</text>\n", new object[] { Left - 5, Y(v) + 4, v * 100 }));
            }

            for (int i = 0; i <= 6; i++)
            {
                double t = end * i / 6;
                sb.Append(F("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\">{2}</text>\n", new object[] { X(t), Top + plotH + 15, SvgChart.Escape(TableOutput.Clock(t)) }));
            }

            sb.Append(F("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" fill=\"#555\">time since the rollout started (min:s); load = the largest of API-server CPU, APF seats and memory as a share of capacity</text>\n", new object[] { Left + (plotW / 2), Top + plotH + 32 }));
            // When the build as it is saturates and loses the control plane (an OOM kill of every API server).
            SvgChart.Marker(sb, cluster.AsBuilt.Result?.Summary.SaturatedAtSeconds, "saturated", "#ff7f0e", X, Top, plotH);
            SvgChart.Marker(sb, cluster.AsBuilt.Result?.Summary.ControlPlaneLostAtSeconds, "control plane lost", "#d62728", X, Top + 14, plotH - 14);
            int legend = 0;
            void Line(string name, string color, IEnumerable<(double T, double V)> points, bool dashed)
            {
                string pts = string.Join(" ", points.Select(p => F("{0},{1}", new object[] { X(p.T), Y(p.V) })));
                sb.Append(F("<polyline fill=\"none\" stroke=\"{0}\" stroke-width=\"2\"{1} points=\"{2}\"><title>{3}</title></polyline>\n", new object[] { color, dashed ? " stroke-dasharray=\"6 4\"" : "", pts, SvgChart.Escape(name) }));
                double ly = Top + 10 + (legend++ * 18);
                sb.Append(F("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"3\"{4}/>\n", new object[] { Left + plotW + 10, ly, Left + plotW + 30, color, dashed ? " stroke-dasharray=\"6 4\"" : "" }));
                sb.Append(F("<text x=\"{0}\" y=\"{1}\">{2}</text>\n", new object[] { Left + plotW + 35, ly + 4, SvgChart.Escape(name) }));
            }

            for (int i = 0; i < cluster.Variants.Count; i++)
            {
                var v = cluster.Variants[i];
                string color = i == 0 ? Colors[0] : v.Name == "all fixes" ? "#2ca02c" : Colors[1 + ((i - 1) % (Colors.Length - 2))];
                Line(v.Name + (v.Saturates ? " (saturates)" : ""), color, Points(v, Load), dashed: false);
            }

            Line("DNS lookups failing, as built", "#7f7f7f", Points(cluster.AsBuilt, r => r.DnsFailureFraction), dashed: true);
            sb.Append(F("<text x=\"{0}\" y=\"{1}\" fill=\"#555\">Values above 100% are clipped at 150%. Source: resilience-sim forecast over Resilience.CostModel (docs/forecast.md).</text>\n", new object[] { Left, Height - 10 }));
            sb.Append("</svg>\n");
            return sb.ToString();
        }

        private static IEnumerable<(double, double)> Points(ForecastVariant v, Func<TimelineRow, double> value)
        {
            if (v.Result is null) return new[] { (0.0, 0.0), (v.Input.DurationSeconds, 0.0) };
            double every = v.Result.Input.ReportEverySeconds;
            return v.Result.Rows.Select(r => (r.TimeSeconds + (every / 2), value(r)));
        }
    }
}
