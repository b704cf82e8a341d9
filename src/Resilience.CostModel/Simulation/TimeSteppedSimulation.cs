using System;
using System.Collections.Generic;

namespace Resilience.CostModel.Simulation
{
    /// <summary>
    /// The deterministic, time-stepped simulation of docs/cost-model.md: every copy of every workload is a small state
    /// machine; the API servers are one pool with the agents' APF priority level (seats), a FIFO queue, CPU shared by
    /// the admitted requests, memory held by in-flight lists, and an OOM kill past the memory limit. Randomness (watch
    /// timeouts, jitter) comes from one seeded generator used in a fixed order, so a seed gives the same run everywhere.
    /// </summary>
    public static class TimeSteppedSimulation
    {
        public static SimulationResult Run(SimulationInput input, IProgress<double>? progress = null)
        {
            if (input is null) throw new ArgumentNullException(nameof(input));
            input.Validate();
            return new Engine(input.Clone(), progress).Run();
        }

        private enum AgentState : byte
        {
            NotStarted,
            Idle,
            InFlight,
            Watching,
            Done,
        }

        private enum Act : byte
        {
            List,
            Rewatch,
            Replay,
        }

        private sealed class Template
        {
            public int Seats;
            public long Memory;
            public double Cpu;
            public double Duration;
            public long Processed;
            public long Returned;
            public long Bytes;
            public double Timeout;
            public double ReadFraction = 1;

            public double Cores => Cpu / Duration;
        }

        private sealed class Workload
        {
            public Workload(WorkloadSpec spec) => Spec = spec;

            public WorkloadSpec Spec { get; }

            public Template List = null!;
            public Template Rewatch = null!;
            public Template Replay = null!;
            public double EventsPerCopyPerSecond;
            public int Watching;

            public bool IsInformer => Spec.Access == AccessPattern.Informer;

            public bool IsReplay => Spec.Access == AccessPattern.WatchWithoutResume;
        }

        private sealed class Agent
        {
            public Workload W = null!;
            public double StartAt;
            public AgentState State;
            public double NextAt;
            public int Attempt;
            public Act Action;
            public Request? Current;
            public double WatchEndsAt;
        }

        private sealed class Request
        {
            public Agent Agent = null!;
            public Template T = null!;
            public double IssuedAt;
            public double Progress;
            public double CpuSpent;
        }

        private sealed class RowAccumulator
        {
            public double Requests, Retries, Failed, Rejected, Timeouts, Refused, Processed, Returned, Bytes, Events;
            public double Seats, WatchSeats, Cpu, UpSteps, Dns, LatencySum, LatencyMax;
            public double PeakMemory;
            public int PeakQueue, Completed, Restarts, Steps;
            public bool Saturated;
        }

        private sealed class Engine
        {
            private readonly SimulationInput input;
            private readonly IProgress<double>? progress;
            private readonly SplitMix64 random;
            private readonly List<Workload> workloads = new List<Workload>();
            private readonly List<Agent> agents = new List<Agent>();
            private readonly List<Request> running = new List<Request>();
            private readonly Queue<Request> queue = new Queue<Request>();
            private readonly List<TimelineRow> rows = new List<TimelineRow>();
            private readonly SimulationSummary summary = new SimulationSummary();
            private readonly bool unlimited;
            private readonly double seatCapacity;
            private readonly double cpuCapacity;
            private readonly int queueCapacity;
            private readonly double baseMemory;
            private readonly double memoryLimit;
            private RowAccumulator row = new RowAccumulator();
            private int queued;
            private double seatsUsed;
            private double memoryUsed;
            private bool up = true;
            private double downUntil;
            private double lostSince = -1;
            private double healthySince = -1;

            public Engine(SimulationInput input, IProgress<double>? progress)
            {
                this.input = input;
                this.progress = progress;
                random = new SplitMix64(input.Seed);
                unlimited = input.UnlimitedCapacity;
                var c = input.Cluster;
                var shape = c.ToShape();
                seatCapacity = (double)c.ApiServers * c.AgentPriorityLevelSeats;
                cpuCapacity = (double)c.ApiServers * c.CoresPerApiServer;
                queueCapacity = c.ApiServers * c.QueueLengthPerApiServer;
                memoryLimit = c.MemoryLimitBytesPerApiServer;

                // Every API server holds a watch cache of what is stored (pods, nodes and the kinds the workloads read).
                var cachedKinds = new HashSet<ResourceKind> { ResourceKind.Pod, ResourceKind.Node };
                foreach (var w in input.Workloads) cachedKinds.Add(w.Resource);
                foreach (var kind in cachedKinds) baseMemory += shape.StoredBytes(kind);
                summary.WatchCacheBytesPerApiServer = baseMemory;

                foreach (var spec in input.Workloads)
                {
                    var w = new Workload(spec);
                    BuildTemplates(w, shape);
                    workloads.Add(w);
                    int copies = spec.Copies(c);
                    for (int i = 0; i < copies; i++)
                    {
                        var start = StartTime(spec.Rollout, (i + 0.5) / copies);
                        agents.Add(new Agent
                        {
                            W = w,
                            StartAt = start,
                            State = AgentState.NotStarted,
                            Action = w.IsReplay ? Act.Replay : Act.List,
                        });
                    }
                }
            }

            public SimulationResult Run()
            {
                double dt = input.StepSeconds;
                int steps = (int)Math.Round(input.DurationSeconds / dt);
                int stepsPerRow = Math.Max(1, (int)Math.Round(input.ReportEverySeconds / dt));
                int progressEvery = Math.Max(1, steps / 20);
                for (int k = 0; k < steps; k++)
                {
                    Step(k * dt, dt);
                    if ((k + 1) % stepsPerRow == 0 || k == steps - 1)
                    {
                        FlushRow((k + 1 - row.Steps) * dt, dt);
                    }

                    if (progress != null && (k + 1) % progressEvery == 0) progress.Report((k + 1) / (double)steps);
                }

                return new SimulationResult(input, rows, summary);
            }

            private void Step(double t, double dt)
            {
                row.Steps++;
                var c = input.Cluster;
                double rejectedBefore = row.Rejected;

                // 1. Is the control plane serving?
                bool outage = false;
                foreach (var o in input.Outages)
                {
                    if (t >= o.AtSeconds && t < o.AtSeconds + o.DurationSeconds) outage = true;
                }

                bool shouldBeUp = !outage && t >= downUntil;
                if (up && !shouldBeUp) Crash(t);
                up = shouldBeUp;

                // 2. Copies act: the rollout starts them; idle ones send their next request; watches end.
                foreach (var a in agents)
                {
                    if (a.State == AgentState.NotStarted)
                    {
                        if (a.StartAt > t) continue;
                        a.State = AgentState.Idle;
                        a.NextAt = a.StartAt;
                    }

                    if (a.State == AgentState.Idle && a.NextAt <= t)
                    {
                        Issue(a, t);
                    }
                    else if (a.State == AgentState.Watching && a.WatchEndsAt <= t)
                    {
                        a.W.Watching--;
                        a.State = AgentState.Idle; // no longer watching: a failed re-watch must not count it out twice
                        a.Action = a.W.IsInformer ? Act.Rewatch : Act.Replay;
                        Issue(a, t);
                    }
                }

                // 3. APF: admit from the FIFO queue while seats are free; 429 after the maximum queue wait.
                if (up)
                {
                    while (queue.Count > 0)
                    {
                        var r = queue.Peek();
                        if (t - r.IssuedAt > r.T.Timeout)
                        {
                            // The client gave up while the request was still queued.
                            queue.Dequeue();
                            Abandoned(t - r.IssuedAt, t);
                            queued--;
                            row.Timeouts++;
                            summary.TotalTimeouts++;
                            Fail(r.Agent, t, 0);
                            continue;
                        }

                        if (!unlimited && t - r.IssuedAt >= c.MaxQueueWaitSeconds)
                        {
                            queue.Dequeue();
                            queued--;
                            Abandoned(t - r.IssuedAt, t);
                            row.Rejected++;
                            summary.TotalRejected++;
                            Fail(r.Agent, t, Calibration.RetryAfterSeconds);
                            continue;
                        }

                        if (!unlimited && seatsUsed + r.T.Seats > seatCapacity) break;
                        queue.Dequeue();
                        queued--;
                        running.Add(r);
                        seatsUsed += r.T.Seats;
                    }
                }

                // 4. Work: watch-event delivery first, then the admitted requests share what CPU is left.
                double events = 0;
                foreach (var w in workloads) events += w.Watching * w.EventsPerCopyPerSecond;
                double watchCpu = events * Calibration.WatchEventSeconds;
                double demand = 0;
                foreach (var r in running) demand += r.T.Cores;
                double stepSeatTime = 0;
                double slow = unlimited || demand <= 0 ? 1 : Math.Min(1, Math.Max(0, cpuCapacity - watchCpu) / demand);
                for (int i = running.Count - 1; i >= 0; i--)
                {
                    var r = running[i];
                    double before = r.Progress;
                    double delta = dt * slow / r.T.Duration;
                    double done = Math.Min(1, before + delta) - before;
                    double busy = delta > 0 ? dt * done / delta : dt; // no CPU left after watch events: it holds its seat all step
                    r.Progress = before + delta;
                    row.Seats += r.T.Seats * busy;
                    stepSeatTime += r.T.Seats * busy;
                    row.Cpu += r.T.Cores * busy;
                    r.CpuSpent += r.T.Cpu * done;
                    row.Processed += r.T.Processed * done;
                    row.Returned += r.T.Returned * done;
                    row.Bytes += r.T.Bytes * done;
                    summary.TotalObjectsProcessed += r.T.Processed * done;
                    if (r.Progress >= 1)
                    {
                        double at = t + (dt * (1 - before) / delta);
                        Remove(i, r);
                        double latency = at - r.IssuedAt;
                        row.Completed++;
                        row.LatencySum += latency;
                        row.LatencyMax = Math.Max(row.LatencyMax, latency);
                        if (latency > Calibration.ClusterScopeListSloSeconds && summary.SloBreachedAtSeconds is null) summary.SloBreachedAtSeconds = at;
                        Succeed(r.Agent, at);
                    }
                    else if (t + dt - r.IssuedAt > r.T.Timeout)
                    {
                        Remove(i, r);
                        Abandoned(t + dt - r.IssuedAt, t + dt);
                        row.Timeouts++;
                        summary.TotalTimeouts++;
                        summary.WastedCpuSeconds += r.CpuSpent;
                        Fail(r.Agent, t + dt, 0);
                    }
                }

                // 5. Memory: a list's buffer grows while it reads (etcd: the response; 5× it while building) and is
                //    held until it is sent. Past the limit every replica (they share the load evenly) is OOM-killed.
                memoryUsed = 0;
                foreach (var r in running) memoryUsed += r.T.Memory * Math.Min(1, r.Progress / r.T.ReadFraction);
                double memoryPeak = baseMemory + (memoryUsed / c.ApiServers);
                // (5, continued) every replica (they share the load evenly) is OOM-killed.
                if (!unlimited && up && memoryPeak > memoryLimit)
                {
                    row.Restarts++;
                    summary.Restarts++;
                    downUntil = t + dt + c.RestartSeconds;
                    Crash(t + dt);
                    up = false;
                }

                // Saturated: the seats were (nearly) all busy for the step while work waited, requests were turned
                // away, CPU is over capacity, or memory over the limit. (Arrivals within one step queue until the
                // next; the 90% threshold keeps that step granularity from counting as saturation.)
                bool seatsFull = queued > 0 && stepSeatTime >= 0.9 * seatCapacity * dt;
                bool saturated = !unlimited && (seatsFull || row.Rejected > rejectedBefore || demand + watchCpu > cpuCapacity || memoryPeak > memoryLimit);
                if (saturated && summary.SaturatedAtSeconds is null) summary.SaturatedAtSeconds = t;
                if (!up && summary.ControlPlaneLostAtSeconds is null) summary.ControlPlaneLostAtSeconds = t;

                // 6. DNS: lost while the API servers are down, recovered once they have served for a while.
                if (!up)
                {
                    if (lostSince < 0) lostSince = t;
                    healthySince = -1;
                }
                else if (lostSince >= 0)
                {
                    if (healthySince < 0) healthySince = t;
                    if (t - healthySince >= input.Dns.ControlPlaneStableSeconds) lostSince = -1;
                }

                double dns = lostSince >= 0 ? DnsModel.FailureFraction(input.Dns, t + dt - lostSince) : 0;
                if (dns > 0 && summary.FirstDnsFailureAtSeconds is null) summary.FirstDnsFailureAtSeconds = t;
                if (dns >= 0.5 && summary.DnsHalfFailingAtSeconds is null) summary.DnsHalfFailingAtSeconds = t;
                summary.MaxDnsFailureFraction = Math.Max(summary.MaxDnsFailureFraction, dns);

                row.Events += events * dt;
                row.WatchSeats += watchCpu * dt;
                row.Cpu += watchCpu * dt;
                row.UpSteps += up ? 1 : 0;
                row.Dns += dns;
                row.PeakMemory = Math.Max(row.PeakMemory, memoryPeak);
                row.PeakQueue = Math.Max(row.PeakQueue, queued);
                row.Saturated |= saturated;
            }

            private void Issue(Agent a, double t)
            {
                row.Requests++;
                summary.TotalRequests++;
                if (a.Attempt > 0) row.Retries++;
                if (!up)
                {
                    row.Refused++;
                    Fail(a, t, 0);
                    return;
                }

                if (!unlimited && queued >= queueCapacity)
                {
                    row.Rejected++;
                    summary.TotalRejected++;
                    Fail(a, t, Calibration.RetryAfterSeconds);
                    return;
                }

                var template = a.Action == Act.List ? a.W.List : a.Action == Act.Rewatch ? a.W.Rewatch : a.W.Replay;
                var r = new Request { Agent = a, T = template, IssuedAt = t };
                a.State = AgentState.InFlight;
                a.Current = r;
                queue.Enqueue(r);
                queued++;
            }

            private void Succeed(Agent a, double t)
            {
                a.Current = null;
                a.Attempt = 0;
                var spec = a.W.Spec;
                if (a.W.IsInformer || a.W.IsReplay)
                {
                    a.State = AgentState.Watching;
                    a.WatchEndsAt = t + random.Uniform(Calibration.WatchTimeoutMinSeconds, Calibration.WatchTimeoutMaxSeconds);
                    a.Action = a.W.IsInformer ? Act.Rewatch : Act.Replay;
                    a.W.Watching++;
                    return;
                }

                if (spec.PollSeconds > 0)
                {
                    a.State = AgentState.Idle;
                    a.NextAt = t + PollDelay(spec);
                }
                else
                {
                    a.State = AgentState.Done;
                }
            }

            private void Fail(Agent a, double t, double retryAfter)
            {
                if (a.State == AgentState.Watching)
                {
                    a.W.Watching--;
                }
                else
                {
                    row.Failed++;
                    summary.TotalFailed++;
                }

                a.Current = null;
                a.Attempt++;
                a.State = AgentState.Idle;
                var spec = a.W.Spec;
                if (a.W.IsInformer)
                {
                    // client-go's reflector: relist after its own backoff (0.8 s → 30 s, jitter 1.0) [P].
                    var retry = spec.Retry.Policy == RetryPolicy.ExponentialJitter ? spec.Retry : new RetrySpec();
                    a.Action = Act.List;
                    a.NextAt = t + Math.Max(retryAfter, Backoff(retry, a.Attempt));
                    return;
                }

                bool within = spec.Retry.MaxAttempts == 0 || a.Attempt <= spec.Retry.MaxAttempts;
                if (spec.Retry.Policy == RetryPolicy.None || !within)
                {
                    a.Attempt = 0;
                    if (a.W.IsReplay)
                    {
                        a.NextAt = t + retryAfter;
                    }
                    else if (spec.PollSeconds > 0)
                    {
                        a.NextAt = t + PollDelay(spec);
                    }
                    else
                    {
                        a.State = AgentState.Done;
                    }
                }
                else if (spec.Retry.Policy == RetryPolicy.Immediate)
                {
                    a.NextAt = t + retryAfter;
                }
                else
                {
                    a.NextAt = t + Math.Max(retryAfter, Backoff(spec.Retry, a.Attempt));
                }
            }

            /// <summary>The API servers stop: in-flight and queued requests fail, every watch breaks (informers relist).</summary>
            private void Crash(double t)
            {
                foreach (var r in running)
                {
                    Abandoned(t - r.IssuedAt, t);
                    summary.WastedCpuSeconds += r.CpuSpent;
                    row.Refused++;
                    Fail(r.Agent, t, 0);
                }

                running.Clear();
                seatsUsed = 0;
                memoryUsed = 0;
                while (queue.Count > 0)
                {
                    var r = queue.Dequeue();
                    Abandoned(t - r.IssuedAt, t);
                    row.Refused++;
                    Fail(r.Agent, t, 0);
                }

                queued = 0;
                foreach (var a in agents)
                {
                    if (a.State == AgentState.Watching)
                    {
                        Fail(a, t, 0);
                    }
                }
            }

            /// <summary>A request that failed after <paramref name="elapsed"/>: the client waited that long for nothing.</summary>
            private void Abandoned(double elapsed, double at)
            {
                row.LatencyMax = Math.Max(row.LatencyMax, elapsed);
                if (elapsed > Calibration.ClusterScopeListSloSeconds && summary.SloBreachedAtSeconds is null) summary.SloBreachedAtSeconds = at;
            }

            private void Remove(int index, Request r)
            {
                int last = running.Count - 1;
                running[index] = running[last];
                running.RemoveAt(last);
                seatsUsed -= r.T.Seats;
            }

            private double PollDelay(WorkloadSpec spec)
                => spec.Jitter > 0 ? spec.PollSeconds * (1 + random.Uniform(-spec.Jitter, spec.Jitter)) : spec.PollSeconds;

            private double Backoff(RetrySpec retry, int attempt)
            {
                double d = Math.Min(retry.CapSeconds, retry.InitialSeconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
                return retry.Jitter > 0 ? d * (1 + random.Uniform(0, retry.Jitter)) : d;
            }

            private void FlushRow(double start, double dt)
            {
                var r = row;
                double seconds = r.Steps * dt;
                int copiesRunning = 0;
                foreach (var a in agents)
                {
                    if (a.State != AgentState.NotStarted) copiesRunning++;
                }

                var line = new TimelineRow
                {
                    TimeSeconds = start,
                    CopiesRunning = copiesRunning,
                    RequestsPerSecond = r.Requests / seconds,
                    RetriesPerSecond = r.Retries / seconds,
                    FailedPerSecond = r.Failed / seconds,
                    RejectedPerSecond = r.Rejected / seconds,
                    TimeoutsPerSecond = r.Timeouts / seconds,
                    RefusedPerSecond = r.Refused / seconds,
                    ObjectsProcessedPerSecond = r.Processed / seconds,
                    ObjectsReturnedPerSecond = r.Returned / seconds,
                    BytesPerSecond = r.Bytes / seconds,
                    WatchEventsPerSecond = r.Events / seconds,
                    SeatsInUse = r.Seats / seconds,
                    SeatCapacity = unlimited ? double.PositiveInfinity : seatCapacity,
                    WatchEventSeats = r.WatchSeats / seconds,
                    CpuDemandCores = r.Cpu / seconds,
                    CpuCapacityCores = unlimited ? double.PositiveInfinity : cpuCapacity,
                    PeakMemoryPerApiServerBytes = r.PeakMemory,
                    MemoryLimitBytes = unlimited ? double.PositiveInfinity : memoryLimit,
                    PeakQueueLength = r.PeakQueue,
                    Completed = r.Completed,
                    LatencyMeanSeconds = r.Completed > 0 ? r.LatencySum / r.Completed : 0,
                    LatencyMaxSeconds = r.LatencyMax,
                    ApiServerUpFraction = r.UpSteps / r.Steps,
                    Restarts = r.Restarts,
                    Saturated = r.Saturated,
                    DnsFailureFraction = r.Dns / r.Steps,
                };
                rows.Add(line);
                summary.PeakCpuDemandCores = Math.Max(summary.PeakCpuDemandCores, line.CpuDemandCores);
                summary.PeakSeatsInUse = Math.Max(summary.PeakSeatsInUse, line.SeatsInUse);
                summary.PeakMemoryPerApiServerBytes = Math.Max(summary.PeakMemoryPerApiServerBytes, line.PeakMemoryPerApiServerBytes);
                summary.PeakRequestsPerSecond = Math.Max(summary.PeakRequestsPerSecond, line.RequestsPerSecond);
                summary.PeakObjectsProcessedPerSecond = Math.Max(summary.PeakObjectsProcessedPerSecond, line.ObjectsProcessedPerSecond);
                summary.PeakBytesPerSecond = Math.Max(summary.PeakBytesPerSecond, line.BytesPerSecond);
                summary.MaxLatencySeconds = Math.Max(summary.MaxLatencySeconds, line.LatencyMaxSeconds);
                row = new RowAccumulator();
            }

            private void BuildTemplates(Workload w, ClusterShape shape)
            {
                var spec = w.Spec;
                var c = input.Cluster;
                var request = spec.ToListRequest();
                long stored = ApiServerCost.StoredInScope(shape, request);
                var total = ApiServerCost.Estimate(shape, request, c.ConsistentReadsFromCache);
                long matching = total.ObjectsReturned;
                int bytes = shape.ObjectBytes(spec.Resource);

                // A paginated list is modelled as one request that holds one page's seats and memory for the time all
                // its pages take; the client's timeout applies per page, and the list fails with 410 once it outlives
                // its continue token (facts.md: "five to fifteen minutes").
                var pages = ApiServerCost.EstimatePages(request, stored, matching, bytes, c.ConsistentReadsFromCache);
                double readSeconds = 0;
                var list = new Template { Processed = total.ObjectsProcessed, Returned = total.ObjectsReturned, Bytes = total.BytesReturned };
                foreach (var page in pages)
                {
                    var work = Calibration.Work(page.ServedFrom, page.ObjectsProcessed, page.BytesReturned, total.IndexLookup, c.Encoding);
                    list.Cpu += work.CpuSeconds;
                    list.Duration += work.DurationSeconds;
                    list.Seats = Math.Max(list.Seats, page.Seats);
                    list.Memory = Math.Max(list.Memory, page.ApiServerMemoryBytes);
                    readSeconds += work.DurationSeconds - (page.BytesReturned * EncodeMicrosPerByte(c.Encoding) / 1e6);
                }

                // One page's buffer is held from the first page on (pages are small); an unpaginated list's grows as it reads.
                list.ReadFraction = pages.Count > 1 ? 1e-3 : Math.Max(1e-3, Math.Min(1, readSeconds / list.Duration));

                list.Timeout = pages.Count > 1
                    ? Math.Min(spec.TimeoutSeconds * pages.Count, Calibration.ContinueTokenLifetimeSeconds)
                    : spec.TimeoutSeconds;
                w.List = list;
                w.Rewatch = FromCost(ApiServerCost.EstimateWatch(request, stored, matching, bytes, resumes: true), c.Encoding, spec.TimeoutSeconds);
                w.Replay = FromCost(ApiServerCost.EstimateWatch(request, stored, matching, bytes, resumes: false), c.Encoding, spec.TimeoutSeconds);

                // Watch events: pod churn spreads over the cluster's pods; the pod index delivers a pod's events only
                // to its node's watchers [P]. Other kinds are modelled without churn.
                double churn = spec.Resource == ResourceKind.Pod ? c.PodChurnPerPodPerSecond * shape.ObjectsStored(ResourceKind.Pod) : 0;
                double share = request.NameScoped
                    ? 1.0 / Math.Max(1, shape.ObjectsStored(spec.Resource))
                    : request.NodeScoped && spec.Resource == ResourceKind.Pod
                    ? 1.0 / c.Nodes
                    : spec.Scope == RequestScope.Namespace ? 1.0 / Math.Max(1, request.Namespaces) : 1.0;
                w.EventsPerCopyPerSecond = churn * share;
            }

            private static double EncodeMicrosPerByte(WireEncoding e)
                => e == WireEncoding.Json ? Calibration.JsonEncodeMicrosPerByte : Calibration.ProtobufEncodeMicrosPerByte;

            private static Template FromCost(RequestCost cost, WireEncoding encoding, double timeout)
            {
                var work = Calibration.Work(cost, encoding);
                return new Template
                {
                    Seats = cost.Seats,
                    Memory = cost.ApiServerMemoryBytes,
                    Cpu = work.CpuSeconds,
                    Duration = work.DurationSeconds,
                    Processed = cost.ObjectsProcessed,
                    Returned = cost.ObjectsReturned,
                    Bytes = cost.BytesReturned,
                    Timeout = timeout,
                };
            }

            private static double StartTime(List<RolloutWave> waves, double rank)
            {
                double previous = 0;
                foreach (var wave in waves)
                {
                    if (rank <= wave.Fraction)
                    {
                        return wave.AtSeconds + (wave.DurationSeconds * (rank - previous) / (wave.Fraction - previous));
                    }

                    previous = wave.Fraction;
                }

                return double.PositiveInfinity;
            }
        }
    }
}
