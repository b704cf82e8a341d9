using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Backoff = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Kubernetes.RES1005RetryWithoutBackoffAnalyzer, ResilienceAnalyzers.CodeFixes.Kubernetes.RES1005BackoffFixer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// Issue 12, fixes that reach the caller: a call retried by a caller's loop (the survey's Orleans, Proto.Actor and
    /// ApplicationInsights shapes) gets its backoff in that caller's loop — when the caller is in the same document.
    /// </summary>
    public class RES1005CallerLoopFixTests
    {
        [Fact]
        public async Task The_backoff_goes_into_the_callers_retry_loop()
        {
            const string source = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class ClusterAgent
                {
                    private readonly IKubernetes _client;

                    public ClusterAgent(IKubernetes client) => _client = client;

                    public async Task OnStart(CancellationToken cancellation)
                    {
                        while (!cancellation.IsCancellationRequested)
                        {
                            try
                            {
                                await {|#1:AddLabels|}(cancellation);
                                return;
                            }
                            catch (Exception)
                            {
                            }
                        }
                    }

                    private async Task AddLabels(CancellationToken cancellation)
                    {
                        await _client.CoreV1.{|#0:ReadNamespacedPodAsync|}("me", "apps", cancellationToken: cancellation);
                    }
                }
                """;
            const string fixedSource = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;
                using Resilience.Kubernetes;

                class ClusterAgent
                {
                    private readonly IKubernetes _client;

                    public ClusterAgent(IKubernetes client) => _client = client;

                    public async Task OnStart(CancellationToken cancellation)
                    {
                        var backoff = new ExponentialBackoff();
                        while (!cancellation.IsCancellationRequested)
                        {
                            try
                            {
                                await AddLabels(cancellation);
                                return;
                            }
                            catch (Exception)
                            {
                                await backoff.DelayAsync(cancellationToken: cancellation);
                            }
                        }
                    }

                    private async Task AddLabels(CancellationToken cancellation)
                    {
                        await _client.CoreV1.ReadNamespacedPodAsync("me", "apps", cancellationToken: cancellation);
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Backoff(source, fixedSource));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 0).WithLocation(1));
            await test.RunAsync();
        }

        [Fact]
        public async Task Not_offered_when_the_retrying_caller_is_in_another_document()
        {
            const string caller = """
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                class Starter
                {
                    public async Task OnStart(Labeller labeller, CancellationToken cancellation)
                    {
                        while (!cancellation.IsCancellationRequested)
                        {
                            try
                            {
                                await labeller.{|#1:AddLabels|}(cancellation);
                                return;
                            }
                            catch (Exception)
                            {
                            }
                        }
                    }
                }
                """;
            const string callee = """
                using System.Threading;
                using System.Threading.Tasks;
                using k8s;

                class Labeller
                {
                    private readonly IKubernetes _client;

                    public Labeller(IKubernetes client) => _client = client;

                    public async Task AddLabels(CancellationToken cancellation)
                    {
                        await _client.CoreV1.{|#0:ReadNamespacedPodAsync|}("me", "apps", cancellationToken: cancellation);
                    }
                }
                """;
            var test = RuntimeFixTests.WithRuntime(new Backoff(callee, callee));
            test.TestState.Sources.Add(("/0/Caller.cs", caller));
            test.FixedState.Sources.Add(("/0/Caller.cs", caller));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1005RetryWithoutBackoffAnalyzer.Rule, 0).WithLocation(1));
            await test.RunAsync();
        }
    }
}
