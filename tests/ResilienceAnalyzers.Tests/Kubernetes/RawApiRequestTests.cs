using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Verify1001 = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1001UnboundedListAnalyzer>;
using Verify1002 = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1002ClusterWideAccessAnalyzer>;
using Verify1003 = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1003PollingListAnalyzer>;
using Verify1004 = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Kubernetes.RES1004WatchWithoutResumeAnalyzer>;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// Requests to the API server written without the client: an <c>HttpClient</c> GET of an API path, and <c>kubectl get</c>
    /// run as a process (RawApiCalls). Each shape has a silent twin: another service's URI, a GET by name, a watch that
    /// resumes, kubectl with a name.
    /// </summary>
    public class RawApiRequestTests
    {
        /// <summary>
        /// The once-per-compilation gate reads the source text through a 4 KB buffer: a mention is found wherever it stands,
        /// across a buffer boundary too, and a compilation that mentions none is not analyzed for raw requests.
        /// </summary>
        [Theory]
        [InlineData(0, "\"/api/v1/pods\"", true)]
        [InlineData(4070, "\"/api/v1/pods\"", true)] // "/api/v1" at 4,092-4,098: across the first 4,096-character buffer's end
        [InlineData(8144, "\"get pods\" /* kubectl */", true)] // "ubectl" at 8,180-8,185: across the second's (it starts at 4,088)
        [InlineData(4070, "\"?watch=true\"", true)]
        [InlineData(4070, "\"/api/values\"", false)]
        public void The_gate_finds_an_api_path_anywhere_in_the_source(int padding, string literal, bool mentioned)
        {
            string source = "class C { string p = " + new string(' ', padding) + literal + "; }";
            var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("gate", new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source) });
            Assert.Equal(mentioned, RawApiCalls.Mentioned(compilation));
        }

        /// <summary>The URI reader on its own: what is an API request and what is not.</summary>
        [Theory]
        [InlineData("https://kubernetes.default.svc/api/v1/pods?limit=500", "List", "Pod", "AllNamespaces")]
        [InlineData("\u0001/api/v1/namespaces/\u0001/configmaps?watch=1&resourceVersion=\u0001", "Watch", "ConfigMap", "Namespace")]
        [InlineData("/api/v1/watch/nodes", "Watch", "Node", "Cluster")]
        [InlineData("/apis/apps/v1/deployments", "List", "Deployment", "AllNamespaces")]
        [InlineData("/apis/traefik.io/v1alpha1/namespaces/web/ingressroutes", "List", "ingressroutes", "Namespace")]
        [InlineData("https://10.0.0.1:6443/api/v1/events", "List", "Event", "AllNamespaces")]
        [InlineData("https://api.datadoghq.com/api/v1/events", null, null, null)] // another service
        [InlineData("\u0001/api/v1/events", null, null, null)] // a word other APIs use, nothing else says Kubernetes
        [InlineData("/api/v1/namespaces/default/pods/web-0", null, null, null)] // a GET by name
        [InlineData("/api/v1/namespaces/default", null, null, null)]
        [InlineData("/api/v1/pods?watch=\u0001", null, null, null)] // list or watch decided at run time
        [InlineData("/api/v1/pods?\u0001", null, null, null)] // parameters not known here
        [InlineData("/apis/example/v1/widgets", null, null, null)] // not a Kubernetes group
        [InlineData("/api/v10/pods", null, null, null)]
        public void The_uri_reader_takes_api_server_paths_only(string uri, string? verb, string? kind, string? scope)
        {
            bool read = ApiRequestText.TryParseUri(uri, out var request);
            Assert.Equal(verb != null, read);
            if (read)
            {
                Assert.Equal(verb, request!.Verb.ToString());
                Assert.Equal(kind, request.Kind);
                Assert.Equal(scope, request.Scope.ToString());
            }
        }

        /// <summary>
        /// Bridge to Kubernetes' watcher shape (third unseen survey set, KubernetesWatcher.cs): the path comes from a
        /// parameter, <c>?watch=true</c> is appended into a local URI, a helper sends it, and a <c>Task.Run</c> loop opens it
        /// again every time it ends.
        /// </summary>
        private const string RawWatcher = """
            using System;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;

            class Watcher
            {
                private readonly HttpClient http = new HttpClient();
                private readonly Uri apiServer = new Uri("https://" + Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"));

                public Task WatchPodsAsync(string ns, CancellationToken ct) => WatchAsync($"/api/v1/namespaces/{ns}/pods", ct);

                private Task WatchAsync(string path, CancellationToken ct)
                {
                    var uri = new Uri(apiServer, QUERY);
                    return Task.Run(async () =>
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            try
                            {
                                using var response = await {|#1:OpenAsync|}(uri, ct);
                                await response.Content.ReadAsStringAsync(ct);
                            }
                            catch (HttpRequestException)
                            {
                                BACKOFF
                            }
                        }
                    });
                }

                private async Task<HttpResponseMessage> OpenAsync(Uri uri, CancellationToken ct)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                    return await http.{|#0:SendAsync|}(request, HttpCompletionOption.ResponseHeadersRead, ct);
                }
            }
            """;

        [Fact]
        public async Task A_raw_watch_built_from_a_path_parameter_and_reopened_by_a_loop_warns()
        {
            string source = RawWatcher.Replace("QUERY", "$\"{path}?watch=true\"").Replace("BACKOFF", "await Task.Delay(100);");
            var test = new Verify1004(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule).WithLocation(1).WithMessage(
                "GET /api/v1/namespaces/{…}/pods?watch=true (HttpClient) watches pods in the namespace without a resourceVersion and is restarted by "
                + "a while loop (Watcher.WatchAsync (Test0.cs:22) → Watcher.OpenAsync): every start replays 600 pods (~8.4 MB as JSON) as ADDED events, "
                + "at 1,000 nodes × 30 pods per node; resume from the last resourceVersion seen (list, then watch from the list's resourceVersion with allowWatchBookmarks), "
                + "relist only on 410 Gone, back off between restarts — or use an informer (package Resilience.Kubernetes)"));
            await test.RunAsync();
        }

        [Fact]
        public async Task A_raw_watch_that_resumes_from_a_resourceVersion_with_backoff_is_silent()
        {
            string source = RawWatcher
                .Replace("QUERY", "$\"{path}?watch=true&resourceVersion={lastVersion}&allowWatchBookmarks=true\"")
                .Replace("BACKOFF", "await Task.Delay(TimeSpan.FromSeconds(Random.Shared.Next(1, 30)));")
                .Replace("private readonly HttpClient http", "private string lastVersion = \"1\";\n    private readonly HttpClient http")
                .Replace("{|#0:SendAsync|}", "SendAsync").Replace("{|#1:OpenAsync|}", "OpenAsync");
            await new Verify1004(source).RunAsync();
        }

        [Fact]
        public async Task A_request_to_another_service_is_not_an_api_call()
        {
            string source = RawWatcher.Replace("QUERY", "$\"{path}?watch=true\"").Replace("BACKOFF", "await Task.Delay(100);")
                .Replace("$\"/api/v1/namespaces/{ns}/pods\"", "$\"/v2/namespaces/{ns}/widgets\"")
                .Replace("{|#0:SendAsync|}", "SendAsync").Replace("{|#1:OpenAsync|}", "OpenAsync");
            await new Verify1004(source).RunAsync();
        }

        /// <summary>An in-cluster agent (a DaemonSet) that polls every pod with a plain HttpClient from its hosted service.</summary>
        private const string PollingAgent = """
            using System;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            class PodAgent : BackgroundService
            {
                private readonly HttpClient http = new HttpClient { BaseAddress = new Uri("https://kubernetes.default.svc") };

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        string pods = await http.{|#0:GetStringAsync|}(PATH, stoppingToken);
                        Console.WriteLine(pods.Length);
                        await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken);
                    }
                }
            }
            """;

        /// <summary>
        /// The gate is asked of the request's own file (docs/performance.md, "Eighth session": reading every file's text cost
        /// ~2 ms on Steeltoe, in any project with one GetAsync call): a path written only in another file is not read. The same
        /// path written in the request's file is (the test above).
        /// </summary>
        [Fact]
        public async Task A_request_whose_path_is_written_only_in_another_file_is_not_read()
        {
            string source = PollingAgent.Replace("PATH", "Paths.Pods").Replace("{|#0:GetStringAsync|}", "GetStringAsync");
            var test = WithHosting(new Verify1003(source, Client.V21, Config.DaemonSet()));
            test.TestState.Sources.Add(("/0/Paths.cs", "static class Paths { public static readonly string Pods = \"/api/v1/pods\"; }"));
            await test.RunAsync();
        }

        private static T WithHosting<T>(T test)
            where T : Microsoft.CodeAnalysis.Testing.AnalyzerTest<DefaultVerifier>
        {
            test.TestState.AdditionalReferences.AddRange(References.AspNetCore);
            return test;
        }

        [Fact]
        public async Task An_agent_polling_every_pod_over_HttpClient_is_polling_unbounded_and_cluster_wide()
        {
            string source = PollingAgent.Replace("PATH", "\"/api/v1/pods\"");

            var polling = WithHosting(new Verify1003(source, Client.V21, Config.DaemonSet()));
            polling.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule).WithMessage(
                "GET /api/v1/pods (HttpClient) lists pods in all namespaces every 30 s (a while loop) from 1,000 copies (<ResilienceWorkload> = DaemonSet): "
                + "33 LIST/s making the API server process 1 M pods/s (~14 GB/s) from etcd, at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await polling.RunAsync();

            var unbounded = WithHosting(new Verify1001(source, Client.V21, Config.DaemonSet()));
            unbounded.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule));
            await unbounded.RunAsync();

            var perNode = WithHosting(new Verify1002(source, Client.V21, Config.DaemonSet()));
            perNode.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1002ClusterWideAccessAnalyzer.Rule));
            await perNode.RunAsync();
        }

        [Theory]
        [InlineData("\"https://api.datadoghq.com/api/v1/events\"")] // another service's API path, same shape
        [InlineData("\"/api/v1/users\"")] // not a Kubernetes resource
        [InlineData("\"/api/v1/namespaces/kube-system/pods/coredns-0\"")] // a GET by name
        [InlineData("\"/api/v1/pods?limit=500&fieldSelector=spec.nodeName%3D\" + Environment.GetEnvironmentVariable(\"NODE_NAME\")")] // paged, node-scoped: still polled (RES1003), so only RES1001/RES1002 here
        public async Task Another_service_a_GET_by_name_or_a_paged_node_scoped_list_is_silent(string path)
        {
            string source = PollingAgent.Replace("PATH", path).Replace("{|#0:GetStringAsync|}", "GetStringAsync");
            await WithHosting(new Verify1001(source, Client.V21, Config.DaemonSet())).RunAsync();
            await WithHosting(new Verify1002(source, Client.V21, Config.DaemonSet())).RunAsync();
            if (!path.Contains("limit="))
            {
                await WithHosting(new Verify1003(source, Client.V21, Config.DaemonSet())).RunAsync();
            }
        }

        /// <summary>
        /// A hand-written informer: each pass of the loop lists, then watches from the list's resourceVersion until the
        /// watch ends. The LIST runs again only when the watch ends: not polling (as with the client's calls).
        /// </summary>
        [Fact]
        public async Task A_raw_list_then_watch_loop_is_not_polling()
        {
            const string source = """
                using System;
                using System.Net.Http;
                using System.Text.Json;
                using System.Threading;
                using System.Threading.Tasks;

                class PodCache
                {
                    private readonly HttpClient http = new HttpClient { BaseAddress = new Uri("https://kubernetes.default.svc") };

                    public async Task RunAsync(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            string list = await http.GetStringAsync("/api/v1/namespaces/shop/pods?limit=500", ct);
                            string version = JsonDocument.Parse(list).RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
                            using var watch = await http.GetAsync($"/api/v1/namespaces/shop/pods?watch=true&resourceVersion={version}", HttpCompletionOption.ResponseHeadersRead, ct);
                            await watch.Content.ReadAsStringAsync(ct);
                        }
                    }
                }
                """;
            await new Verify1003(source).RunAsync();
            await new Verify1004(source).RunAsync();
        }

        /// <summary>A tool that runs kubectl from a timer callback.</summary>
        private const string KubectlTimer = """
            using System;
            using System.Diagnostics;
            using System.Threading;

            class ClusterReport
            {
                private Timer? timer;

                public void Start()
                {
                    timer = new Timer(_ => {|#1:Refresh|}(), null, TimeSpan.Zero, TimeSpan.FromMinutes(1));
                }

                private void Refresh()
                {
                    var info = new ProcessStartInfo { FileName = "/usr/local/bin/kubectl", Arguments = ARGS, RedirectStandardOutput = true };
                    using var process = Process.{|#0:Start|}(info)!;
                    Console.WriteLine(process.StandardOutput.ReadToEnd().Length);
                }
            }
            """;

        [Fact]
        public async Task Kubectl_get_pods_in_all_namespaces_from_a_timer_is_polling_but_paged()
        {
            string source = KubectlTimer.Replace("ARGS", "\"get pods -A -o json\"");
            var polling = new Verify1003(source);
            polling.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1003PollingListAnalyzer.Rule).WithLocation(1).WithMessage(
                "kubectl get pods -A -o json lists pods in all namespaces every 1 min (a Timer callback: ClusterReport.Start (Test0.cs:11) → ClusterReport.Refresh) from one copy: "
                + "0.017 LIST/s making the API server process 500 pods/s (~7 MB/s) from etcd, at 1,000 nodes × 30 pods per node; use an informer (list once, then watch and read the local cache; package Resilience.Kubernetes)"));
            await polling.RunAsync();

            // kubectl pages by --chunk-size, 500 by default: not an unbounded response.
            await new Verify1001(source.Replace("{|#0:Start|}", "Start").Replace("{|#1:Refresh|}", "Refresh")).RunAsync();
        }

        [Fact]
        public async Task Kubectl_with_chunking_turned_off_is_unbounded()
        {
            string source = KubectlTimer.Replace("ARGS", "\"get pods --all-namespaces --chunk-size=0\"").Replace("{|#1:Refresh|}", "Refresh");
            var test = new Verify1001(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1001UnboundedListAnalyzer.Rule));
            await test.RunAsync();
        }

        [Theory]
        [InlineData("\"get pod web-0 -n shop -o json\"")] // a GET by name
        [InlineData("\"get pod/web-0 -o json\"")]
        [InlineData("\"apply -f deploy.yaml\"")]
        [InlineData("\"get pods \" + Environment.GetEnvironmentVariable(\"TARGET\")")] // a name or flags not known here
        public async Task Kubectl_with_a_name_or_another_verb_is_silent(string arguments)
        {
            string source = KubectlTimer.Replace("ARGS", arguments).Replace("{|#0:Start|}", "Start").Replace("{|#1:Refresh|}", "Refresh");
            await new Verify1003(source).RunAsync();
        }

        [Fact]
        public async Task Kubectl_watch_restarted_by_a_loop_lists_again_on_every_start()
        {
            const string source = """
                using System.Diagnostics;
                using System.Threading;

                class PodFollower
                {
                    public void Follow(CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            using var process = Process.{|#0:Start|}("kubectl", "get pods --all-namespaces --watch -o name")!;
                            process.WaitForExit();
                        }
                    }
                }
                """;
            var test = new Verify1004(source);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES1004WatchWithoutResumeAnalyzer.Rule).WithArguments(
                "kubectl get pods --all-namespaces --watch -o name", "pods", "in all namespaces",
                "through kubectl, which lists every object again each time it starts and is restarted by a while loop with no delay between restarts",
                "every start replays 30,000 pods (~420 MB as JSON) as ADDED events, at 1,000 nodes × 30 pods per node"));
            await test.RunAsync();
        }

        /// <summary>
        /// Bridge to Kubernetes' kubectl shape: a helper named for kubectl takes the command line, and a refresh loop lists
        /// a custom resource through it.
        /// </summary>
        [Fact]
        public async Task A_kubectl_helper_called_with_a_get_command_from_a_loop_is_polling()
        {
            const string source = """
                using System;
                using System.Diagnostics;
                using System.Text;
                using System.Threading;
                using System.Threading.Tasks;

                class RoutingManager
                {
                    private readonly string kubectlPath = "kubectl";

                    public async Task RefreshLoopAsync(string ns, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var output = new StringBuilder();
                            int exitCode = await InvokeKubectlCommandAsync(CommandName.ListRoutes, $"-n {ns} get ingressroutes -o json", line => output.Append(line), logOutput: false, timeoutMs: 2000, cancellationToken: ct);
                            Console.WriteLine(exitCode + output.Length);
                            await Task.Delay(TimeSpan.FromSeconds(10), ct);
                        }
                    }

                    public Task<int> ReadOneAsync(string ns, CancellationToken ct) => InvokeKubectlCommandAsync(CommandName.ReadRoute, $"-n {ns} get ingressroute main -o json", _ => { }, cancellationToken: ct);

                    private async Task<int> InvokeKubectlCommandAsync(CommandName name, string command, Action<string> onOutput, bool logOutput = true, int timeoutMs = 30000, CancellationToken cancellationToken = default)
                    {
                        using var process = Process.Start(new ProcessStartInfo(kubectlPath, command) { RedirectStandardOutput = true })!;
                        onOutput(await process.StandardOutput.ReadToEndAsync(cancellationToken));
                        await process.WaitForExitAsync(cancellationToken);
                        return process.ExitCode;
                    }
                }

                enum CommandName { ListRoutes, ReadRoute }
                """;
            var test = new Verify1003(source.Replace("await InvokeKubectlCommandAsync(CommandName.ListRoutes", "await {|#0:InvokeKubectlCommandAsync|}(CommandName.ListRoutes"));
            // A custom resource with no published count, from one copy: the suggestion RES1003 gives the client's own call.
            test.ExpectedDiagnostics.Add(Expect.Info(RES1003PollingListAnalyzer.Rule).WithArguments(
                "kubectl -n {…} get ingressroutes -o json", "ingressroutes", "in the namespace", "every 10 s (a while loop)", "one copy",
                "0.1 LIST/s making the API server process every object of ingressroutes in the namespace (count unknown: custom resources number whatever their users create) each time from etcd, at 1,000 nodes × 30 pods per node"));
            await test.RunAsync();
        }
    }
}
