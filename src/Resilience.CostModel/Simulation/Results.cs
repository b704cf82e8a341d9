using System.Collections.Generic;

namespace Resilience.CostModel.Simulation
{
    /// <summary>One row of the timeline: means over the row's steps unless marked peak.</summary>
    public sealed class TimelineRow
    {
        /// <summary>Start of the row, seconds after the simulation started.</summary>
        public double TimeSeconds { get; set; }

        /// <summary>Copies of the workloads that have been rolled out (end of row).</summary>
        public int CopiesRunning { get; set; }

        /// <summary>Requests sent (first attempts, retries, pages, watch starts), including those refused while the API server was down.</summary>
        public double RequestsPerSecond { get; set; }

        public double RetriesPerSecond { get; set; }

        /// <summary>Requests that failed, for any reason (429, timeout, refused, killed).</summary>
        public double FailedPerSecond { get; set; }

        /// <summary>429s: queue full or queued too long.</summary>
        public double RejectedPerSecond { get; set; }

        public double TimeoutsPerSecond { get; set; }

        /// <summary>Requests that failed because the API server was down (or died under them).</summary>
        public double RefusedPerSecond { get; set; }

        public double ObjectsProcessedPerSecond { get; set; }

        public double ObjectsReturnedPerSecond { get; set; }

        public double BytesPerSecond { get; set; }

        public double WatchEventsPerSecond { get; set; }

        /// <summary>Seats of the agents' priority level in use (all API servers).</summary>
        public double SeatsInUse { get; set; }

        public double SeatCapacity { get; set; }

        /// <summary>Seat time of watch-event delivery (0.5 ms per watcher-event), charged to mutating requests.</summary>
        public double WatchEventSeats { get; set; }

        /// <summary>Cores the admitted work would use on an idle server, plus watch-event delivery (the offered load).</summary>
        public double CpuDemandCores { get; set; }

        public double CpuCapacityCores { get; set; }

        /// <summary>Peak memory of one API server (watch cache + 5× every in-flight etcd list's response, spread over the replicas).</summary>
        public double PeakMemoryPerApiServerBytes { get; set; }

        public double MemoryLimitBytes { get; set; }

        /// <summary>Peak requests waiting in the APF queue.</summary>
        public int PeakQueueLength { get; set; }

        public int Completed { get; set; }

        /// <summary>Mean latency (queue + service) of the requests completed in the row; 0 if none.</summary>
        public double LatencyMeanSeconds { get; set; }

        public double LatencyMaxSeconds { get; set; }

        /// <summary>Share of the row's steps with the API servers serving.</summary>
        public double ApiServerUpFraction { get; set; }

        /// <summary>OOM kills in the row.</summary>
        public int Restarts { get; set; }

        /// <summary>True if any step of the row had work waiting for seats, CPU over capacity or memory over the limit.</summary>
        public bool Saturated { get; set; }

        /// <summary>Mean share of cluster-name lookups that fail.</summary>
        public double DnsFailureFraction { get; set; }
    }

    public sealed class SimulationSummary
    {
        /// <summary>First moment work waited for seats, CPU exceeded capacity or memory exceeded the limit.</summary>
        public double? SaturatedAtSeconds { get; set; }

        /// <summary>First request answered, or abandoned, after more than the 30 s cluster-scope SLO.</summary>
        public double? SloBreachedAtSeconds { get; set; }

        /// <summary>First moment the API servers stopped serving (OOM kill or injected outage).</summary>
        public double? ControlPlaneLostAtSeconds { get; set; }

        public double? FirstDnsFailureAtSeconds { get; set; }

        /// <summary>First moment half of the lookups failed.</summary>
        public double? DnsHalfFailingAtSeconds { get; set; }

        public int Restarts { get; set; }

        /// <summary>Memory every API server holds regardless of requests: its watch cache of the stored objects.</summary>
        public double WatchCacheBytesPerApiServer { get; set; }

        public double PeakCpuDemandCores { get; set; }

        public double PeakSeatsInUse { get; set; }

        public double PeakMemoryPerApiServerBytes { get; set; }

        public double PeakRequestsPerSecond { get; set; }

        public double PeakObjectsProcessedPerSecond { get; set; }

        public double PeakBytesPerSecond { get; set; }

        public double MaxLatencySeconds { get; set; }

        public double MaxDnsFailureFraction { get; set; }

        public long TotalRequests { get; set; }

        public long TotalFailed { get; set; }

        /// <summary>Share of the requests sent that failed.</summary>
        public double FailedFraction => TotalRequests == 0 ? 0 : (double)TotalFailed / TotalRequests;

        public long TotalTimeouts { get; set; }

        public long TotalRejected { get; set; }

        public double TotalObjectsProcessed { get; set; }

        /// <summary>CPU spent on requests that were then abandoned (timeouts, kills).</summary>
        public double WastedCpuSeconds { get; set; }

        public bool Healthy => SaturatedAtSeconds is null && ControlPlaneLostAtSeconds is null;
    }

    public sealed class SimulationResult
    {
        public SimulationResult(SimulationInput input, IReadOnlyList<TimelineRow> rows, SimulationSummary summary)
        {
            Input = input;
            Rows = rows;
            Summary = summary;
        }

        public SimulationInput Input { get; }

        public IReadOnlyList<TimelineRow> Rows { get; }

        public SimulationSummary Summary { get; }
    }
}
