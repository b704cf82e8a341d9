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
    /// <summary>The readable timeline table.</summary>
    internal static class TableOutput
    {
        public static void Write(TextWriter o, Scenario scenario, IReadOnlyList<SimulationResult> results)
        {
            o.WriteLine("Scenario " + scenario.Name + ": " + scenario.Description);
            foreach (var result in results)
            {
                var input = result.Input;
                var c = input.Cluster;
                o.WriteLine();
                o.WriteLine("== " + input.Label + " — " + Quantity.Count(c.Nodes) + " nodes × " + c.PodsPerNode + " pods, " + c.ApiServers + " API servers × "
                    + c.CoresPerApiServer + " cores, memory limit " + Quantity.Bytes(c.MemoryLimitBytesPerApiServer) + (input.UnlimitedCapacity ? " (unlimited-capacity analysis mode)" : "") + " ==");
                foreach (var w in input.Workloads)
                {
                    o.WriteLine("   " + w.Name + ": " + w.Kind + " × " + Quantity.Count(w.Copies(c)) + ", " + ScenarioJson.AccessName(w.Access) + " of " + ScenarioJson.ResourceName(w.Resource) + "s"
                        + (w.NodeScoped ? " (spec.nodeName)" : " (" + ScenarioJson.ScopeName(w.Scope) + ")")
                        + (w.PollSeconds > 0 && w.Access != AccessPattern.Informer && w.Access != AccessPattern.WatchWithoutResume ? ", every " + w.PollSeconds + " s" : "")
                        + ", retry " + w.Retry.Policy + "; DNS: " + (input.Dns.ClientServeStale ? "client serve-stale" : "no client serve-stale") + ", backend " + input.Dns.Backend
                        + ", caches " + string.Join(" + ", input.Dns.Layers.Select(l => l.Name + " " + Quantity.Duration(TimeSpan.FromSeconds(l.TtlSeconds)))));
                }

                o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,7} {1,7} {2,7} {3,6} {4,6} {5,9} {6,10} {7,11} {8,11} {9,17} {10,15} {11,4} {12,6}",
                    "time", "copies", "req/s", "fail/s", "429/s", "objects/s", "bytes/s", "seats/cap", "cpu/cap", "mem per API srv", "latency avg/max", "up", "DNS ✗"));
                foreach (var r in result.Rows)
                {
                    o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,7} {1,7} {2,7} {3,6} {4,6} {5,9} {6,10} {7,11} {8,11} {9,17} {10,15} {11,4} {12,6}",
                        Clock(r.TimeSeconds) + (r.Saturated ? "*" : " "),
                        Quantity.Count(r.CopiesRunning),
                        Quantity.Rate(r.RequestsPerSecond),
                        Quantity.Rate(r.FailedPerSecond),
                        Quantity.Rate(r.RejectedPerSecond),
                        Quantity.Count(r.ObjectsProcessedPerSecond),
                        Quantity.Bytes(r.BytesPerSecond) + "/s",
                        Whole(r.SeatsInUse) + "/" + Whole(r.SeatCapacity),
                        Whole(r.CpuDemandCores) + "/" + Whole(r.CpuCapacityCores),
                        Quantity.Bytes(r.PeakMemoryPerApiServerBytes) + (r.PeakMemoryPerApiServerBytes > r.MemoryLimitBytes ? " OOM" : ""),
                        Seconds(r.LatencyMeanSeconds) + "/" + Seconds(r.LatencyMaxSeconds) + (r.LatencyMaxSeconds > Calibration.ClusterScopeListSloSeconds ? "!" : " "),
                        Percent(r.ApiServerUpFraction),
                        Percent(r.DnsFailureFraction)));
                }

                o.WriteLine("   * saturated in the row (work waiting for seats, CPU over capacity or memory over the limit); ! slower than the 30 s SLO.");
                WriteSummary(o, result.Summary);
            }
        }

        public static void WriteSummary(TextWriter o, SimulationSummary s)
        {
            var parts = new List<string>
            {
                s.SaturatedAtSeconds is null ? "never saturated" : "saturated at " + Clock(s.SaturatedAtSeconds.Value),
                s.SloBreachedAtSeconds is null ? "30 s SLO held" : "30 s SLO breached at " + Clock(s.SloBreachedAtSeconds.Value),
                Percent(s.FailedFraction) + " of requests failed",
                s.ControlPlaneLostAtSeconds is null ? "control plane never lost" : "control plane lost at " + Clock(s.ControlPlaneLostAtSeconds.Value) + " (" + s.Restarts + " OOM restarts)",
                s.FirstDnsFailureAtSeconds is null ? "no DNS failures" : "DNS failures from " + Clock(s.FirstDnsFailureAtSeconds.Value) + (s.DnsHalfFailingAtSeconds is null ? "" : ", 50% at " + Clock(s.DnsHalfFailingAtSeconds.Value)) + ", max " + Percent(s.MaxDnsFailureFraction),
            };
            o.WriteLine("   Summary: " + string.Join("; ", parts) + ".");
            o.WriteLine("   Peaks: " + Quantity.Count(s.PeakCpuDemandCores) + " cores offered, " + Quantity.Count(s.PeakSeatsInUse) + " seats, " + Quantity.Bytes(s.PeakMemoryPerApiServerBytes) + " per API server, "
                + Quantity.Rate(s.PeakRequestsPerSecond) + " req/s, " + Quantity.Count(s.PeakObjectsProcessedPerSecond) + " objects/s, " + Quantity.Bytes(s.PeakBytesPerSecond) + "/s; max latency " + Seconds(s.MaxLatencySeconds)
                + "; " + Quantity.Count(s.TotalRequests) + " requests, " + Quantity.Count(s.TotalTimeouts) + " timeouts, " + Quantity.Count(s.TotalRejected) + " 429s, " + Quantity.Count(s.WastedCpuSeconds) + " CPU-s wasted.");
        }

        public static string Clock(double seconds)
        {
            var t = TimeSpan.FromSeconds(Math.Round(seconds));
            return t.TotalHours >= 1 ? ((int)t.TotalHours).ToString(CultureInfo.InvariantCulture) + ":" + t.ToString("mm\\:ss", CultureInfo.InvariantCulture) : ((int)t.TotalMinutes).ToString(CultureInfo.InvariantCulture) + ":" + t.ToString("ss", CultureInfo.InvariantCulture);
        }

        internal static string Whole(double v) => double.IsInfinity(v) ? "∞" : Quantity.Count(v);

        internal static string Percent(double f) => Math.Round(f * 100).ToString(CultureInfo.InvariantCulture) + "%";

        private static string Seconds(double s) => s <= 0 ? "-" : s < 10 ? s.ToString("0.0", CultureInfo.InvariantCulture) + "s" : Math.Round(s).ToString(CultureInfo.InvariantCulture) + "s";
    }

    /// <summary><c>--format json</c>: the inputs, every row and the summary of every run.</summary>
    internal static class JsonOutput
    {
        public static string Write(Scenario scenario, IReadOnlyList<SimulationResult> results)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("scenario", scenario.Name);
                w.WriteString("description", scenario.Description);
                w.WriteNumber("sloSeconds", Calibration.ClusterScopeListSloSeconds);
                w.WriteStartArray("runs");
                foreach (var r in results)
                {
                    w.WriteStartObject();
                    w.WriteString("label", r.Input.Label);
                    w.WriteNumber("nodes", r.Input.Cluster.Nodes);
                    w.WriteNumber("seed", r.Input.Seed);
                    w.WriteStartObject("summary");
                    var s = r.Summary;
                    Nullable(w, "saturatedAtSeconds", s.SaturatedAtSeconds);
                    Nullable(w, "sloBreachedAtSeconds", s.SloBreachedAtSeconds);
                    Nullable(w, "controlPlaneLostAtSeconds", s.ControlPlaneLostAtSeconds);
                    Nullable(w, "firstDnsFailureAtSeconds", s.FirstDnsFailureAtSeconds);
                    Nullable(w, "dnsHalfFailingAtSeconds", s.DnsHalfFailingAtSeconds);
                    w.WriteNumber("restarts", s.Restarts);
                    w.WriteNumber("peakCpuDemandCores", Round(s.PeakCpuDemandCores));
                    w.WriteNumber("peakSeatsInUse", Round(s.PeakSeatsInUse));
                    w.WriteNumber("peakMemoryPerApiServerBytes", Round(s.PeakMemoryPerApiServerBytes));
                    w.WriteNumber("peakRequestsPerSecond", Round(s.PeakRequestsPerSecond));
                    w.WriteNumber("peakObjectsProcessedPerSecond", Round(s.PeakObjectsProcessedPerSecond));
                    w.WriteNumber("peakBytesPerSecond", Round(s.PeakBytesPerSecond));
                    w.WriteNumber("maxLatencySeconds", Round(s.MaxLatencySeconds));
                    w.WriteNumber("maxDnsFailureFraction", Round(s.MaxDnsFailureFraction));
                    w.WriteNumber("totalRequests", s.TotalRequests);
                    w.WriteNumber("totalFailed", s.TotalFailed);
                    w.WriteNumber("failedFraction", Round(s.FailedFraction));
                    w.WriteNumber("totalTimeouts", s.TotalTimeouts);
                    w.WriteNumber("totalRejected", s.TotalRejected);
                    w.WriteNumber("wastedCpuSeconds", Round(s.WastedCpuSeconds));
                    w.WriteBoolean("healthy", s.Healthy);
                    w.WriteEndObject();
                    w.WriteStartArray("timeline");
                    foreach (var row in r.Rows)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("timeSeconds", Round(row.TimeSeconds));
                        w.WriteNumber("copiesRunning", row.CopiesRunning);
                        w.WriteNumber("requestsPerSecond", Round(row.RequestsPerSecond));
                        w.WriteNumber("retriesPerSecond", Round(row.RetriesPerSecond));
                        w.WriteNumber("failedPerSecond", Round(row.FailedPerSecond));
                        w.WriteNumber("rejectedPerSecond", Round(row.RejectedPerSecond));
                        w.WriteNumber("timeoutsPerSecond", Round(row.TimeoutsPerSecond));
                        w.WriteNumber("refusedPerSecond", Round(row.RefusedPerSecond));
                        w.WriteNumber("objectsProcessedPerSecond", Round(row.ObjectsProcessedPerSecond));
                        w.WriteNumber("objectsReturnedPerSecond", Round(row.ObjectsReturnedPerSecond));
                        w.WriteNumber("bytesPerSecond", Round(row.BytesPerSecond));
                        w.WriteNumber("watchEventsPerSecond", Round(row.WatchEventsPerSecond));
                        w.WriteNumber("seatsInUse", Round(row.SeatsInUse));
                        Finite(w, "seatCapacity", row.SeatCapacity);
                        w.WriteNumber("watchEventSeats", Round(row.WatchEventSeats));
                        w.WriteNumber("cpuDemandCores", Round(row.CpuDemandCores));
                        Finite(w, "cpuCapacityCores", row.CpuCapacityCores);
                        w.WriteNumber("peakMemoryPerApiServerBytes", Round(row.PeakMemoryPerApiServerBytes));
                        Finite(w, "memoryLimitBytes", row.MemoryLimitBytes);
                        w.WriteNumber("peakQueueLength", row.PeakQueueLength);
                        w.WriteNumber("completed", row.Completed);
                        w.WriteNumber("latencyMeanSeconds", Round(row.LatencyMeanSeconds));
                        w.WriteNumber("latencyMaxSeconds", Round(row.LatencyMaxSeconds));
                        w.WriteNumber("apiServerUpFraction", Round(row.ApiServerUpFraction));
                        w.WriteNumber("restarts", row.Restarts);
                        w.WriteBoolean("saturated", row.Saturated);
                        w.WriteNumber("dnsFailureFraction", Round(row.DnsFailureFraction));
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        }

        internal static double Round(double v) => Math.Round(v, 6);

        internal static void Nullable(Utf8JsonWriter w, string name, double? v)
        {
            if (v.HasValue) w.WriteNumber(name, Round(v.Value));
            else w.WriteNull(name);
        }

        private static void Finite(Utf8JsonWriter w, string name, double v)
        {
            if (double.IsInfinity(v)) w.WriteNull(name);
            else w.WriteNumber(name, Round(v));
        }
    }

    /// <summary>
    /// A hand-written SVG chart, one panel per run: API-server CPU, seats and memory as a share of capacity, latency
    /// as a share of the 30 s SLO, and the DNS failure rate, over time; markers at saturation and control-plane loss.
    /// </summary>
    internal static class SvgChart
    {
        private const int Width = 960;
        private const int PanelHeight = 300;
        private const int Left = 60;
        private const int Right = 180;
        private const int Top = 50;
        private const int Bottom = 40;

        private static readonly (string Name, string Color, Func<TimelineRow, double> Value)[] Series =
        {
            ("CPU / capacity", "#d62728", r => Share(r.CpuDemandCores, r.CpuCapacityCores)),
            ("seats / capacity", "#ff7f0e", r => Share(r.SeatsInUse, r.SeatCapacity)),
            ("memory / limit", "#9467bd", r => Share(r.PeakMemoryPerApiServerBytes, r.MemoryLimitBytes)),
            ("latency max / 30 s SLO", "#1f77b4", r => r.LatencyMaxSeconds / Calibration.ClusterScopeListSloSeconds),
            ("requests failing", "#8c564b", r => r.RequestsPerSecond > 0 ? r.FailedPerSecond / r.RequestsPerSecond : 0),
            ("API servers down", "#7f7f7f", r => 1 - r.ApiServerUpFraction),
            ("DNS lookups failing", "#2ca02c", r => r.DnsFailureFraction),
        };

        public static string Write(Scenario scenario, IReadOnlyList<SimulationResult> results)
        {
            var sb = new StringBuilder();
            int height = (PanelHeight * results.Count) + 30;
            sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            sb.Append(F("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n", Width, height));
            sb.Append("<title>").Append(Escape("Scenario " + scenario.Name)).Append("</title>\n");
            sb.Append(F("<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n", Width, height));
            for (int p = 0; p < results.Count; p++)
            {
                Panel(sb, results[p], p * PanelHeight);
            }

            sb.Append(F("<text x=\"{0}\" y=\"{1}\" fill=\"#555\">Values above 100% are clipped at 150%. Source: Resilience.CostModel (docs/cost-model.md).</text>\n", Left, height - 10));
            sb.Append("</svg>\n");
            return sb.ToString();
        }

        private static void Panel(StringBuilder sb, SimulationResult result, int y0)
        {
            var rows = result.Rows;
            double plotW = Width - Left - Right;
            double plotH = PanelHeight - Top - Bottom;
            double top = y0 + Top;
            double end = rows.Count == 0 ? 1 : rows[rows.Count - 1].TimeSeconds + result.Input.ReportEverySeconds;
            const double yMax = 1.5;
            double X(double t) => Left + (plotW * t / end);
            double Y(double v) => top + plotH - (plotH * Math.Min(yMax, Math.Max(0, v)) / yMax);

            sb.Append(F("<text x=\"{0}\" y=\"{1}\" font-size=\"14\" font-weight=\"bold\">{2}</text>\n", Left, y0 + 25, Escape(result.Input.Label + " — " + Quantity.Count(result.Input.Cluster.Nodes) + " nodes")));
            sb.Append(F("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" fill=\"none\" stroke=\"#ccc\"/>\n", Left, top, plotW, plotH));
            foreach (var v in new[] { 0, 0.5, 1.0, 1.5 })
            {
                sb.Append(F("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-dasharray=\"{4}\"/>\n", Left, Y(v), Left + plotW, v == 1.0 ? "#000" : "#eee", v == 1.0 ? "4 3" : "none"));
                sb.Append(F("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\">{2}%</text>\n", Left - 5, Y(v) + 4, v * 100));
            }

            int ticks = 6;
            for (int i = 0; i <= ticks; i++)
            {
                double t = end * i / ticks;
                sb.Append(F("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\">{2}</text>\n", X(t), top + plotH + 15, Escape(TableOutput.Clock(t))));
            }

            sb.Append(F("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" fill=\"#555\">time since the rollout started (min:s)</text>\n", Left + (plotW / 2), top + plotH + 32));
            Marker(sb, result.Summary.SaturatedAtSeconds, "saturated", "#ff7f0e", X, top, plotH);
            Marker(sb, result.Summary.ControlPlaneLostAtSeconds, "control plane lost", "#d62728", X, top + 14, plotH - 14);

            for (int s = 0; s < Series.Length; s++)
            {
                var (name, color, value) = Series[s];
                var points = new StringBuilder();
                foreach (var r in rows)
                {
                    double mid = r.TimeSeconds + (result.Input.ReportEverySeconds / 2);
                    points.Append(F("{0},{1} ", X(Math.Min(mid, end)), Y(value(r))));
                }

                sb.Append(F("<polyline fill=\"none\" stroke=\"{0}\" stroke-width=\"2\" points=\"{1}\"><title>{2}</title></polyline>\n", color, points.ToString().Trim(), Escape(name)));
                double ly = top + 10 + (s * 18);
                sb.Append(F("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"3\"/>\n", Left + plotW + 10, ly, Left + plotW + 30, color));
                sb.Append(F("<text x=\"{0}\" y=\"{1}\">{2}</text>\n", Left + plotW + 35, ly + 4, Escape(name)));
            }
        }

        internal static void Marker(StringBuilder sb, double? at, string label, string color, Func<double, double> x, double top, double height)
        {
            if (at is null) return;
            sb.Append(F("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" stroke-dasharray=\"2 2\"/>\n", x(at.Value), top, top + height, color));
            sb.Append(F("<text x=\"{0}\" y=\"{1}\" fill=\"{2}\">{3}</text>\n", x(at.Value) + 3, top + 12, color, Escape(label + " " + TableOutput.Clock(at.Value))));
        }

        private static double Share(double v, double capacity) => double.IsInfinity(capacity) || capacity <= 0 ? 0 : v / capacity;

        internal static string F(string format, params object[] args)
        {
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] is double d) args[i] = Math.Round(d, 2).ToString(CultureInfo.InvariantCulture);
            }

            return string.Format(CultureInfo.InvariantCulture, format, args);
        }

        internal static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
    }
}
