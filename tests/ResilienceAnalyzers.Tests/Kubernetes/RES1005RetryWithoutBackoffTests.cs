using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1005RetryWithoutBackoffAnalyzer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>RES1005: retries without exponential backoff and jitter.</summary>
    public class RES1005RetryWithoutBackoffTests
    {
        /// <summary>KubeSharper's stored watch factory (<see cref="RES1004WatchWithoutResumeTests.StoredWatchFactory"/>): reopened from its own onError at once.</summary>
        [Fact]
        public async Task A_watch_factory_kept_in_a_field_and_reopened_from_its_onError_at_once()
        {
            var test = new Verify(RES1004WatchWithoutResumeTests.StoredWatchFactory);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 0).WithLocation(2).WithLocation(3).WithLocation(1).WithMessage(
                "ListNamespacedPodWithHttpMessagesAsync is retried by a watch's onError callback (PodSource.InitWatcher (Test0.cs:20) → PodSource.InitWatcher.OnError → PodSource.InitWatcher → Sources.Pods.Make) with no delay: "
                + "each copy retries as fast as the server fails it; back off exponentially with full jitter (client-go: 0.8 s → 30 s, ×2, full jitter) and honour Retry-After on 429 (ExponentialBackoff in package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Fixed_delay_retry_from_every_node_warns_with_the_lockstep_rate()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Register(IKubernetes client, string node)
                    {
                        while (true)
                        {
                            try
                            {
                                await client.CoreV1.{|#0:ReadNodeAsync|}(node);
                                return;
                            }
                            catch (Exception)
                            {
                                await Task.Delay(TimeSpan.FromSeconds(2));
                            }
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1005RetryWithoutBackoffAnalyzer.Rule,
                "ReadNodeAsync is retried by a while loop with a fixed 2 s delay and no jitter: 5,000 copies retry in lockstep, 2,500 requests/s against a failing API server; "
                + "back off exponentially with full jitter (client-go: 0.8 s → 30 s, ×2, full jitter) and honour Retry-After on 429 (ExponentialBackoff in package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_delay_and_growing_delay_without_jitter_are_flagged()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Models;

                class Operator
                {
                    async Task<V1ConfigMap?> Read(IKubernetes client)
                    {
                        for (int attempt = 0; attempt < 5; attempt++)
                        {
                            try
                            {
                                return await client.CoreV1.{|#0:ReadNamespacedConfigMapAsync|}("settings", "default");
                            }
                            catch (Exception)
                            {
                            }
                        }

                        int tries = 0;
                        do
                        {
                            try
                            {
                                return await client.CoreV1.{|#1:ReadNamespacedConfigMapAsync|}("settings", "default");
                            }
                            catch (Exception)
                            {
                                await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, tries++)));
                            }
                        } while (tries < 5);

                        return null;
                    }
                }
                """;
            var test = new Verify(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 0));
            test.ExpectedDiagnostics.Add(Expect.Info(RES1005RetryWithoutBackoffAnalyzer.Rule, 1));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_worker_loop_that_restarts_a_failing_run_at_once_retries_without_backoff()
        {
            // IncludeDamon (unseen survey set): ExecuteAsync's loop swallows whatever RunAsync throws and calls it again at
            // once — when the API server fails the list, every copy lists again as fast as it fails. Twins, silent: a run
            // whose calls catch their own failures or run in a task nobody awaits (IncludeDamon's other lists), and a loop
            // paced by a work queue's next item.
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Channels;
                using System.Threading.Tasks;
                using k8s;

                class Worker
                {
                    private readonly IKubernetes client;
                    public Worker(IKubernetes client) => this.client = client;

                    public async Task ExecuteAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            try
                            {
                                await RunAsync(ct);
                            }
                            catch (Exception)
                            {
                            }
                        }
                    }

                    private async Task RunAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await client.CoreV1.{|#0:ListNamespacedPodAsync|}("apps", cancellationToken: ct);
                            await Task.Delay(TimeSpan.FromSeconds(1), ct);
                        }
                    }

                    public async Task ExecuteCaughtAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            try
                            {
                                await RunCaughtAsync(ct);
                                StartInBackground(ct);
                            }
                            catch (Exception)
                            {
                            }
                        }
                    }

                    // Its failures end here (logged and swallowed): the worker loop above never sees them.
                    private async Task RunCaughtAsync(CancellationToken ct)
                    {
                        try
                        {
                            await client.CoreV1.ListNamespacedConfigMapAsync("apps", cancellationToken: ct);
                        }
                        catch (Exception)
                        {
                        }

                        await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    }

                    // Started and not awaited: a failure stays in the task.
                    private void StartInBackground(CancellationToken ct)
                        => Task.Run(async () => await client.CoreV1.ListNamespacedServiceAsync("apps", cancellationToken: ct));

                    public async Task QueueAsync(ChannelReader<string> work, CancellationToken ct)
                    {
                        while (await work.WaitToReadAsync(ct))
                        {
                            try
                            {
                                await client.CoreV1.ReadNamespacedPodAsync(await work.ReadAsync(ct), "apps", cancellationToken: ct);
                            }
                            catch (Exception)
                            {
                            }
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.CallerRule, 0).WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(
                "ListNamespacedPodAsync is retried by a while loop in Worker.ExecuteAsync (Test0.cs:18) → Worker.RunAsync with no delay: each copy retries as fast as the server fails it, 5,000 copies at once; "
                + "back off exponentially with full jitter (client-go: 0.8 s → 30 s, ×2, full jitter) and honour Retry-After on 429 (ExponentialBackoff in package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_wait_until_ready_loop_retries_a_list_whose_failure_its_method_answers_with_the_old_state()
        {
            // SlimFaas (third unseen survey set): start-up waits until its own pod shows in the synced state, syncing again
            // every second; the sync catches the API server's failure and keeps the previous state, so while the server
            // fails, every replica lists again every second. Twins, silent: the same sync under a shutdown-checked worker
            // loop (a poll: RES1003's), and a wait loop over a sync that lets its failure out (the wait ends with it).
            const string source = """
                using System.Collections.Generic;
                using System.Linq;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using k8s.Autorest;

                interface IReplicas
                {
                    IReadOnlyList<string> Pods { get; }
                    Task SyncAsync(string ns);
                    Task SyncOrThrowAsync(string ns);
                }

                class Replicas : IReplicas
                {
                    private readonly IKubernetes client;
                    public Replicas(IKubernetes client) => this.client = client;
                    public IReadOnlyList<string> Pods { get; private set; } = new List<string>();

                    public async Task SyncAsync(string ns)
                    {
                        try
                        {
                            var list = await client.CoreV1.{|#0:ListNamespacedPodAsync|}(ns, labelSelector: "app=gateway");
                            Pods = list.Items.Select(p => p.Metadata.Name).ToList();
                        }
                        catch (HttpOperationException)
                        {
                        }
                    }

                    public async Task SyncOrThrowAsync(string ns)
                    {
                        var list = await client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: "app=gateway");
                        Pods = list.Items.Select(s => s.Metadata.Name).ToList();
                    }
                }

                class Startup
                {
                    private readonly IReplicas replicas;
                    public Startup(IReplicas replicas) => this.replicas = replicas;

                    public async Task WaitUntilListedAsync(string ns, string self)
                    {
                        await replicas.SyncAsync(ns);
                        while (replicas.Pods.Any(p => p.Contains(self)) == false)
                        {
                            await Task.Delay(1000);
                            await replicas.{|#1:SyncAsync|}(ns);
                        }
                    }

                    public async Task WaitUntilServedAsync(string ns)
                    {
                        while (replicas.Pods.Count < 2)
                        {
                            await Task.Delay(1000);
                            await replicas.SyncOrThrowAsync(ns);
                        }
                    }
                }

                class Worker
                {
                    private readonly IReplicas replicas;
                    public Worker(IReplicas replicas) => this.replicas = replicas;

                    public async Task RunAsync(string ns, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            await replicas.SyncAsync(ns);
                            await Task.Delay(3000, ct);
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet(5000));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.CallerRule, 0).WithLocation(1).WithMessage(
                "ListNamespacedPodAsync is retried by a while loop waiting for its condition in Startup.WaitUntilListedAsync (Test0.cs:51) → Replicas.SyncAsync with a fixed 1 s delay and no jitter: "
                + "5,000 copies retry in lockstep, 5,000 requests/s against a failing API server; "
                + "back off exponentially with full jitter (client-go: 0.8 s → 30 s, ×2, full jitter) and honour Retry-After on 429 (ExponentialBackoff in package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task Jittered_backoff_polling_loops_and_rethrowing_code_are_silent()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Agent
                {
                    async Task Register(IKubernetes client, string node, CancellationToken ct)
                    {
                        var delay = TimeSpan.FromMilliseconds(800);
                        while (true)
                        {
                            try
                            {
                                await client.CoreV1.ReadNodeAsync(node, cancellationToken: ct);
                                return;
                            }
                            catch (Exception)
                            {
                                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * delay.TotalMilliseconds), ct);
                                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 30_000));
                            }
                        }
                    }

                    async Task Poll(IKubernetes client, CancellationToken ct)
                    {
                        // A polling loop (RES1003's business), not a retry loop.
                        while (!ct.IsCancellationRequested)
                        {
                            try { await client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct); }
                            catch (Exception) { }
                            await Task.Delay(30_000, ct);
                        }
                    }
                }
                """;
            await new Verify(source).RunAsync();
        }
    }
}
