using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Resilience.Kubernetes.Testing;

namespace Resilience.Kubernetes.Measure
{
    /// <summary>
    /// What an informer costs against the simplest alternative, in one process against the loopback API server:
    /// the floor is a plain paged LIST (limit 500) of the same pods into a <c>List&lt;V1Pod&gt;</c> with the same client;
    /// against it, an informer's time to synced, its retained managed heap after sync (<c>GC.GetTotalMemory(true)</c>
    /// minus the same reading before the run, the result kept alive) and its peak (the managed heap sampled every
    /// 10 ms, minus the baseline; garbage not yet collected counts), with and without managedFields stripping, by
    /// LIST+WATCH and by the streaming list. Then events per second through a handler at steady state and the bytes
    /// allocated per event.
    /// </summary>
    internal static class InformerCost
    {
        private const string FloorName = "floor: paged LIST (limit 500) into List<V1Pod>";

        private static readonly (string Name, bool Streaming, bool Strip)[] Runs =
        {
            ("informer, LIST (RV=0) + WATCH, managedFields kept", false, false),
            ("informer, LIST (RV=0) + WATCH, managedFields stripped", false, true),
            ("informer, streaming list, managedFields kept", true, false),
            ("informer, streaming list, managedFields stripped (default)", true, true),
        };

        // Each figure's median over the rounds, separately (time, retained, peak).
        private static Result Median(List<Result> rounds)
        {
            // The median; of an even count, the mean of the two middle values.
            static double Mid(IEnumerable<double> values)
            {
                var sorted = values.OrderBy(v => v).ToArray();
                return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            }

            return new Result(rounds[0].Name + (rounds.Count > 1 ? FormattableString.Invariant($" (median of {rounds.Count})") : ""),
                Mid(rounds.Select(r => r.Seconds)), (long)Mid(rounds.Select(r => (double)r.RetainedBytes)), (long)Mid(rounds.Select(r => (double)r.PeakBytes)));
        }

        public static async Task RunAsync(IReadOnlyList<int> sizes, int rounds, int events, Action<string> log)
        {
            var (with, without) = PodJsonSize();
            Console.WriteLine(FormattableString.Invariant($"Pod JSON: {with:N0} bytes, {without:N0} without managedFields ({100.0 * (with - without) / with:F0} % managedFields)."));
            Console.WriteLine();
            Console.WriteLine("| pods | run | time to synced (s) | × floor | retained (MiB) | × floor | peak over baseline (MiB) |");
            Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
            foreach (var pods in sizes)
            {
                await using var server = await FakeApiServer.StartAsync().ConfigureAwait(false);
                Seed(server, pods);
                using var client = server.CreateClient();
                await WarmUpAsync(client).ConfigureAwait(false);
                log($"{pods} pods seeded");

                // Rounds interleave every way of getting the pods (the floor first and last in each round); each row is
                // the median of its rounds, on two cores shared with other work.
                var results = new Dictionary<string, List<Result>>();
                void Add(Result r) => (results.TryGetValue(r.Name, out var l) ? l : results[r.Name] = new List<Result>()).Add(r);
                for (var round = 0; round < rounds; round++)
                {
                    Add(await MeasureAsync(server, FloorName, () => FloorAsync(client)).ConfigureAwait(false));
                    foreach (var (name, streaming, strip) in Runs)
                    {
                        Add(await MeasureAsync(server, name, () => InformerAsync(client, streaming, strip)).ConfigureAwait(false));
                    }

                    Add(await MeasureAsync(server, FloorName, () => FloorAsync(client)).ConfigureAwait(false));
                    log($"{pods}: round {round + 1} of {rounds} done");
                }

                var floor = Median(results[FloorName]);
                Print(pods, floor, floor);
                foreach (var (name, _, _) in Runs) Print(pods, Median(results[name]), floor);
            }

            if (events > 0) await EventsAsync(events, log).ConfigureAwait(false);
        }

        private static void Print(int pods, Result r, Result floor) =>
            Console.WriteLine(FormattableString.Invariant(
                $"| {pods:N0} | {r.Name} | {r.Seconds:F2} | {r.Seconds / floor.Seconds:F2} | {r.RetainedBytes / 1048576.0:F1} | {(double)r.RetainedBytes / floor.RetainedBytes:F2} | {r.PeakBytes / 1048576.0:F1} |"));

        private sealed record Result(string Name, double Seconds, long RetainedBytes, long PeakBytes);

        // Runs one way of getting the pods: time to completion, then the heap it keeps while its result is alive.
        private static async Task<Result> MeasureAsync(FakeApiServer server, string name, Func<Task<IAsyncDisposable>> run)
        {
            var baseline = Settle();
            using var sampler = new PeakSampler();
            var sw = Stopwatch.StartNew();
            var alive = await run().ConfigureAwait(false);
            var seconds = sw.Elapsed.TotalSeconds;
            var peak = sampler.Stop() - baseline;
            var held = Settle();
            await alive.DisposeAsync().ConfigureAwait(false);
            alive = null!;

            // Retained = the heap freed when the result is let go (disposed, unreferenced, its watch closed on both ends),
            // so objects a previous run has not released yet do not count.
            var wait = Stopwatch.StartNew();
            while (server.ActiveWatchCount > 0 && wait.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20).ConfigureAwait(false);
            await Task.Delay(500).ConfigureAwait(false);
            var retained = held - Settle();
            return new Result(name, seconds, retained, peak);
        }

        private static long Settle()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            return GC.GetTotalMemory(forceFullCollection: true);
        }

        private static async Task<IAsyncDisposable> FloorAsync(k8s.Kubernetes client)
        {
            var pods = new List<V1Pod>();
            string? token = null;
            do
            {
                var page = await client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: token, limit: 500).ConfigureAwait(false);
                pods.AddRange(page.Items);
                token = page.Metadata?.ContinueProperty;
            }
            while (!string.IsNullOrEmpty(token));

            return new Holder(pods);
        }

        private static async Task<IAsyncDisposable> InformerAsync(k8s.Kubernetes client, bool streaming, bool strip)
        {
            var informer = Informers.ForPods(client, options: new InformerOptions { StreamingInitialList = streaming, StripManagedFields = strip });
            await informer.StartAsync().ConfigureAwait(false);
            return informer;
        }

        // One small LIST and watch so that connection set-up and JIT are not in the first measurement.
        private static async Task WarmUpAsync(k8s.Kubernetes client)
        {
            await client.CoreV1.ListNamespacedPodAsync("none").ConfigureAwait(false);
            await using var informer = Informers.ForPods(client, "none");
            await informer.StartAsync().ConfigureAwait(false);
            await using var listed = Informers.ForPods(client, "none", options: new InformerOptions { StreamingInitialList = false });
            await listed.StartAsync().ConfigureAwait(false);
        }

        private static async Task EventsAsync(int events, Action<string> log)
        {
            const int pods = 10_000;
            await using var server = await FakeApiServer.StartAsync().ConfigureAwait(false);
            Seed(server, pods);
            using var client = server.CreateClient();
            await using var informer = Informers.ForPods(client);
            var seen = 0;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            informer.Updated += (_, _) =>
            {
                if (Interlocked.Increment(ref seen) == events) done.TrySetResult();
            };
            await informer.StartAsync().ConfigureAwait(false);
            while (server.ActiveWatchCount == 0) await Task.Delay(10).ConfigureAwait(false);

            // The modified pods, built before the clock starts; the server serializes each on write (on this thread).
            var updates = Enumerable.Range(0, events).Select(i => RealisticPod(i % pods, generation: 1 + i / pods)).ToArray();
            Settle();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var writerBefore = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            foreach (var pod in updates) server.Upsert(pod);
            var writerAllocated = GC.GetAllocatedBytesForCurrentThread() - writerBefore;
            await done.Task.WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
            var seconds = sw.Elapsed.TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore - writerAllocated;
            log($"{events} events through a handler");
            Console.WriteLine();
            Console.WriteLine("| events | pods held | events/s through a handler | bytes allocated per event (process, minus the writer's serialization) |");
            Console.WriteLine("|---:|---:|---:|---:|");
            Console.WriteLine(FormattableString.Invariant($"| {events:N0} | {pods:N0} | {events / seconds:N0} | {allocated / (double)events:N0} |"));
        }

        private static void Seed(FakeApiServer server, int pods)
        {
            for (var i = 0; i < pods; i++) server.Upsert(RealisticPod(i, generation: 0));
        }

        /// <summary>
        /// A pod shaped like a ReplicaSet's pod on a real cluster: labels, owner reference, one container with env,
        /// resources, ports, probes and mounts, a running status, and the managedFields the API server records for
        /// kube-controller-manager (spec) and the kubelet (status) — about half of the pod's JSON, as on real clusters.
        /// </summary>
        public static V1Pod RealisticPod(int i, int generation)
        {
            var node = "node-" + (i / 30).ToString(CultureInfo.InvariantCulture);
            var name = "web-7d9c8f6b5-" + i.ToString("x5", CultureInfo.InvariantCulture);
            var started = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i);
            return new V1Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = "ns-" + (i % 50).ToString(CultureInfo.InvariantCulture),
                    Uid = new Guid(i, 0, 0, new byte[8]).ToString(),
                    GenerateName = "web-7d9c8f6b5-",
                    CreationTimestamp = started,
                    Labels = new Dictionary<string, string> { ["app"] = "web", ["pod-template-hash"] = "7d9c8f6b5", ["tier"] = "frontend", ["generation"] = generation.ToString(CultureInfo.InvariantCulture) },
                    Annotations = new Dictionary<string, string> { ["kubectl.kubernetes.io/restartedAt"] = "2026-01-01T00:00:00Z" },
                    OwnerReferences = new List<V1OwnerReference> { new() { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web-7d9c8f6b5", Uid = "5f1c7a52-0000-4000-8000-000000000001", Controller = true, BlockOwnerDeletion = true } },
                    ManagedFields = new List<V1ManagedFieldsEntry>
                    {
                        new() { Manager = "kube-controller-manager", Operation = "Update", ApiVersion = "v1", Time = started, FieldsType = "FieldsV1", FieldsV1 = Fields(SpecFields) },
                        new() { Manager = "kubelet", Operation = "Update", ApiVersion = "v1", Time = started.AddSeconds(3), FieldsType = "FieldsV1", Subresource = "status", FieldsV1 = Fields(StatusFields) },
                    },
                },
                Spec = new V1PodSpec
                {
                    NodeName = node,
                    ServiceAccountName = "web",
                    RestartPolicy = "Always",
                    DnsPolicy = "ClusterFirst",
                    TerminationGracePeriodSeconds = 30,
                    Containers = new List<V1Container>
                    {
                        new()
                        {
                            Name = "web",
                            Image = "registry.example.com/web:1.24.3",
                            ImagePullPolicy = "IfNotPresent",
                            Ports = new List<V1ContainerPort> { new() { Name = "http", ContainerPort = 8080, Protocol = "TCP" } },
                            Env = new List<V1EnvVar> { new() { Name = "LOG_LEVEL", Value = "info" }, new() { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name", ApiVersion = "v1" } } } },
                            Resources = new V1ResourceRequirements
                            {
                                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
                                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("256Mi") },
                            },
                            ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz/ready", Port = "http", Scheme = "HTTP" }, PeriodSeconds = 10, TimeoutSeconds = 1, SuccessThreshold = 1, FailureThreshold = 3 },
                            VolumeMounts = new List<V1VolumeMount> { new() { Name = "kube-api-access-abcde", MountPath = "/var/run/secrets/kubernetes.io/serviceaccount", ReadOnlyProperty = true } },
                            TerminationMessagePath = "/dev/termination-log",
                            TerminationMessagePolicy = "File",
                        },
                    },
                },
                Status = new V1PodStatus
                {
                    Phase = "Running",
                    HostIP = "10.0." + (i / 250 % 250).ToString(CultureInfo.InvariantCulture) + ".1",
                    PodIP = "10.244." + (i / 250 % 250).ToString(CultureInfo.InvariantCulture) + "." + (i % 250).ToString(CultureInfo.InvariantCulture),
                    QosClass = "Burstable",
                    StartTime = started,
                    Conditions = new List<V1PodCondition>
                    {
                        new() { Type = "Initialized", Status = "True", LastTransitionTime = started },
                        new() { Type = "Ready", Status = "True", LastTransitionTime = started.AddSeconds(5) },
                        new() { Type = "ContainersReady", Status = "True", LastTransitionTime = started.AddSeconds(5) },
                        new() { Type = "PodScheduled", Status = "True", LastTransitionTime = started },
                    },
                    ContainerStatuses = new List<V1ContainerStatus>
                    {
                        new() { Name = "web", Ready = true, Started = true, RestartCount = 0, Image = "registry.example.com/web:1.24.3", ImageID = "registry.example.com/web@sha256:" + new string('a', 64), ContainerID = "containerd://" + new string('b', 64), State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = started.AddSeconds(2) } } },
                    },
                },
            };
        }

        // managedFields as the API server records them (FieldsV1 sets), parsed once per pod like a client receives them.
        private static object Fields(string json) => JsonDocument.Parse(json).RootElement.Clone();

        private const string SpecFields =
            "{\"f:metadata\":{\"f:generateName\":{},\"f:labels\":{\".\":{},\"f:app\":{},\"f:pod-template-hash\":{},\"f:tier\":{}},\"f:annotations\":{\".\":{},\"f:kubectl.kubernetes.io/restartedAt\":{}}," +
            "\"f:ownerReferences\":{\".\":{},\"k:{\\\"uid\\\":\\\"5f1c7a52-0000-4000-8000-000000000001\\\"}\":{}}},\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},\"f:env\":{\".\":{}," +
            "\"k:{\\\"name\\\":\\\"LOG_LEVEL\\\"}\":{\".\":{},\"f:name\":{},\"f:value\":{}},\"k:{\\\"name\\\":\\\"POD_NAME\\\"}\":{\".\":{},\"f:name\":{},\"f:valueFrom\":{\".\":{},\"f:fieldRef\":{}}}},\"f:image\":{},\"f:imagePullPolicy\":{},\"f:name\":{}," +
            "\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":8080,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{},\"f:name\":{},\"f:protocol\":{}}},\"f:readinessProbe\":{\".\":{},\"f:failureThreshold\":{},\"f:httpGet\":{\".\":{},\"f:path\":{},\"f:port\":{},\"f:scheme\":{}}," +
            "\"f:periodSeconds\":{},\"f:successThreshold\":{},\"f:timeoutSeconds\":{}},\"f:resources\":{\".\":{},\"f:limits\":{\".\":{},\"f:memory\":{}},\"f:requests\":{\".\":{},\"f:cpu\":{},\"f:memory\":{}}},\"f:terminationMessagePath\":{},\"f:terminationMessagePolicy\":{}}}," +
            "\"f:dnsPolicy\":{},\"f:enableServiceLinks\":{},\"f:restartPolicy\":{},\"f:schedulerName\":{},\"f:securityContext\":{},\"f:serviceAccount\":{},\"f:serviceAccountName\":{},\"f:terminationGracePeriodSeconds\":{}}}";

        private const string StatusFields =
            "{\"f:status\":{\"f:conditions\":{\"k:{\\\"type\\\":\\\"ContainersReady\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Initialized\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}}," +
            "\"k:{\\\"type\\\":\\\"PodReadyToStartContainers\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Ready\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}}}," +
            "\"f:containerStatuses\":{},\"f:hostIP\":{},\"f:hostIPs\":{},\"f:phase\":{},\"f:podIP\":{},\"f:podIPs\":{\".\":{},\"k:{\\\"ip\\\":\\\"10.244.0.1\\\"}\":{\".\":{},\"f:ip\":{}}},\"f:startTime\":{}}}";

        /// <summary>The JSON size of a realistic pod with and without managedFields, for the report.</summary>
        public static (int With, int Without) PodJsonSize()
        {
            var pod = RealisticPod(1, 0);
            var with = Encoding.UTF8.GetByteCount(KubernetesJson.Serialize(pod));
            pod.Metadata.ManagedFields = null;
            return (with, Encoding.UTF8.GetByteCount(KubernetesJson.Serialize(pod)));
        }

        private sealed class Holder : IAsyncDisposable
        {
            private List<V1Pod>? pods;

            public Holder(List<V1Pod> pods) => this.pods = pods;

            public ValueTask DisposeAsync()
            {
                pods = null;
                return ValueTask.CompletedTask;
            }
        }

        // The managed heap's high-water mark while a run lasts, read every 10 ms on a dedicated thread.
        private sealed class PeakSampler : IDisposable
        {
            private readonly Thread thread;
            private volatile bool stopped;
            private long peak;

            public PeakSampler()
            {
                thread = new Thread(() =>
                {
                    while (!stopped)
                    {
                        var now = GC.GetTotalMemory(forceFullCollection: false);
                        if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now);
                        Thread.Sleep(10);
                    }
                }) { IsBackground = true, Name = "peak-sampler" };
                thread.Start();
            }

            public long Stop()
            {
                stopped = true;
                thread.Join();
                return Interlocked.Read(ref peak);
            }

            public void Dispose()
            {
                if (!stopped) Stop();
            }
        }
    }
}
