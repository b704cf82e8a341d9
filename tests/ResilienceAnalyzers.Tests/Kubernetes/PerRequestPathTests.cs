using System.Threading.Tasks;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>RES1003 on per-request paths: a LIST in a controller action or minimal-API handler runs once per request.</summary>
    public class PerRequestPathTests
    {
        [Fact]
        public async Task Lists_in_controller_actions_and_route_handlers_repeat_per_request()
        {
            const string source = """
                using System.Threading.Tasks;
                using k8s;
                using Microsoft.AspNetCore.Builder;
                using Microsoft.AspNetCore.Mvc;

                public class PodsController : ControllerBase
                {
                    private readonly IKubernetes client;

                    public PodsController(IKubernetes client) => this.client = client;

                    [HttpGet("pods")]
                    public async Task<int> Count() => (await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}()).Items.Count;

                    public async Task<int> Nodes() => (await client.CoreV1.{|#1:ListNodeAsync|}()).Items.Count;

                    private Task Helper() => client.CoreV1.ListNamespacedPodAsync("default");
                }

                public static class Routes
                {
                    public static void Map(WebApplication app, IKubernetes client)
                        => app.MapGet("/services", async () => (await client.CoreV1.{|#2:ListServiceForAllNamespacesAsync|}()).Items.Count);
                }
                """;
            var test = new AnalyzerTest<RES1003PollingListAnalyzer>(source);
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES1003PollingListAnalyzer.Rule,
                "ListPodForAllNamespacesAsync lists pods in all namespaces on every HTTP request from one copy: 30,000 pods (~420 MB as JSON) processed from etcd for every request served, at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 1));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule, 2));
            await test.RunAsync();
        }
    }
}
