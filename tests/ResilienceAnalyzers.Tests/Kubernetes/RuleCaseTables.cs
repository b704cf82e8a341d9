using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ResilienceAnalyzers.Dns;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// Each rule as a table of one-line cases inside a per-node agent (a DaemonSet on 1,000 nodes): what is
    /// flagged, at which severity, and what stays silent. Read a table as the rule's documentation.
    /// </summary>
    public class RuleCaseTables
    {
        private const string Template = """
            using System;
            using System.Linq;
            using System.Net;
            using System.Threading;
            using System.Threading.Tasks;
            using k8s;
            using k8s.Models;

            class Agent
            {
                IKubernetes client = null!;
                GenericClient generic = null!;
                string nodeName = "";
                string podName = "";
                string version = "";
                int pageSize = 100;
                string selector = System.Environment.GetEnvironmentVariable("SELECTOR") ?? "";
                CancellationToken ct;

                Task BackoffWithJitterAsync() => Task.CompletedTask;

                async Task Run()
                {
                    CASE
                }
            }
            """;

        private static async Task Check<TAnalyzer>(string snippet, string severity)
            where TAnalyzer : DiagnosticAnalyzer, new()
        {
            var test = new AnalyzerTest<TAnalyzer>(Template.Replace("CASE", snippet), Client.V21, Config.DaemonSet());
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.Errors; // a silent row must be silent about code that compiles
            if (severity != "Silent")
            {
                var descriptor = new TAnalyzer().SupportedDiagnostics[0];
                test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(descriptor.Id, severity == "Info" ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning).WithLocation(0));
            }

            await test.RunAsync();
        }

        [Theory]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: 0);", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: null);", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: -5);", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListNodeAsync|}();", "Warning")]
        // Call-site forms the name pre-filter reads (CalledNames): conditional access, static call of the extension.
        [InlineData("await (client?.CoreV1).{|#0:ListNodeAsync|}();", "Warning")]
        [InlineData("await client.CoreV1?.{|#0:ListNodeAsync|}()!;", "Warning")]
        [InlineData("await CoreV1OperationsExtensions.{|#0:ListNodeAsync|}(client.CoreV1);", "Warning")]
        [InlineData("Func<Task<V1NodeList>> list = () => client.CoreV1.{|#0:ListNodeAsync|}(); await list();", "Warning")]
        [InlineData("client.CoreV1.{|#0:ListNode|}();", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListNamespacedPodAsync|}(\"default\");", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListNamespacedConfigMapAsync|}(\"default\");", "Info")]
        [InlineData("await client.AppsV1.{|#0:ListDeploymentForAllNamespacesAsync|}();", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesWithHttpMessagesAsync|}();", "Warning")]
        [InlineData("await client.CustomObjects.{|#0:ListClusterCustomObjectAsync|}(\"example.com\", \"v1\", \"widgets\");", "Warning")]
        [InlineData("await generic.{|#0:ListAsync|}<V1PodList>();", "Warning")]
        // Across namespaces a label selector does not narrow what the API server reads from etcd.
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(labelSelector: \"app=web\");", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListNamespacedPodAsync|}(\"default\", labelSelector: \"app=silo\");", "Info")]
        [InlineData("bool w = false; await client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(watch: w);", "Silent")]
        [InlineData("await client.CoreV1.ListPodForAllNamespacesAsync(limit: 500);", "Silent")]
        [InlineData("await client.CoreV1.ListPodForAllNamespacesAsync(limit: pageSize);", "Silent")]
        [InlineData("await client.CoreV1.ListPodForAllNamespacesAsync(resourceVersion: \"0\");", "Silent")]
        [InlineData("await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: \"spec.nodeName=\" + nodeName);", "Silent")]
        [InlineData("await client.CoreV1.ListNodeAsync(fieldSelector: \"metadata.name=\" + nodeName);", "Silent")]
        [InlineData("await client.CoreV1.ReadNodeAsync(nodeName);", "Silent")]
        [InlineData("await client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(watch: true);", "Silent")]
        [InlineData("await generic.ListAsync<V1PodList>(limit: 500);", "Silent")]
        // Kinds that configure the cluster: their count does not grow with it.
        [InlineData("await client.NetworkingV1.ListIngressClassAsync();", "Silent")]
        [InlineData("await client.StorageV1.ListStorageClassAsync();", "Silent")]
        // A kind with no published count: a warning across namespaces or the cluster, a suggestion in one namespace.
        [InlineData("await client.CoreV1.{|#0:ListSecretForAllNamespacesAsync|}();", "Warning")]
        [InlineData("await client.CustomObjects.{|#0:ListNamespacedCustomObjectAsync|}(\"example.com\", \"v1\", \"default\", \"widgets\");", "Info")]
        // One object by name, in any scope: not an unbounded response (RES1002 and RES1003 say what it reads).
        [InlineData("await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: \"metadata.name=\" + podName);", "Silent")]
        // An unknown field selector narrows what is returned, not what is read — except for pods (spec.nodeName is indexed).
        [InlineData("await client.CoreV1.{|#0:ListServiceForAllNamespacesAsync|}(fieldSelector: selector);", "Warning")]
        [InlineData("await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector);", "Silent")]
        [InlineData("await client.CoreV1.ListNamespacedServiceAsync(\"default\", fieldSelector: selector);", "Silent")]
        public Task RES1001_unbounded_list(string snippet, string severity) => Check<RES1001UnboundedListAnalyzer>(snippet, severity);

        [Theory]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}();", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(limit: 500);", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(resourceVersion: \"0\");", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(labelSelector: \"app=web\");", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(fieldSelector: \"status.phase=Running\");", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(fieldSelector: null);", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListNodeAsync|}();", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListNodeAsync|}(labelSelector: \"kubernetes.io/os=linux\");", "Warning")]
        [InlineData("await foreach (var e in client.CoreV1.{|#0:WatchListPodForAllNamespacesAsync|}()) { }", "Warning")]
        [InlineData("await foreach (var e in client.CoreV1.{|#0:WatchListNodeAsync|}()) { }", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesWithHttpMessagesAsync|}(watch: true);", "Warning")]
        [InlineData("await generic.{|#0:ListAsync|}<V1PodList>();", "Warning")]
        [InlineData("await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: \"spec.nodeName=\" + nodeName);", "Silent")]
        [InlineData("await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $\"spec.nodeName={nodeName},status.phase=Running\");", "Silent")]
        // metadata.name= is one key read in one namespace or for a cluster-scoped kind; across namespaces the API server
        // cannot look the name up and reads every pod (store.go ListPredicate).
        [InlineData("await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(fieldSelector: \"metadata.name=\" + podName);", "Warning")]
        [InlineData("await client.CoreV1.ListNamespacedPodAsync(\"default\", fieldSelector: \"metadata.name=\" + podName);", "Silent")]
        [InlineData("await client.CoreV1.ListNodeAsync(fieldSelector: \"metadata.name=\" + nodeName);", "Silent")]
        // Every pod of a namespace from every node, nothing to narrow it (kube-system holds a pod per node per DaemonSet).
        [InlineData("await client.CoreV1.{|#0:ListNamespacedPodAsync|}(\"kube-system\");", "Warning")]
        [InlineData("await client.CoreV1.ListNamespacedPodAsync(\"kube-system\", labelSelector: \"k8s-app=kube-dns\");", "Silent")]
        // Every object of another cluster-scaled kind from every node (the cost model's kind table): no node to narrow to.
        [InlineData("await client.CoreV1.{|#0:ListServiceForAllNamespacesAsync|}();", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListConfigMapForAllNamespacesAsync|}(limit: 500);", "Warning")]
        [InlineData("await client.CoreV1.{|#0:ListNamespaceAsync|}(resourceVersion: \"0\");", "Warning")]
        [InlineData("await foreach (var e in client.CoreV1.{|#0:WatchListEventForAllNamespacesAsync|}()) { }", "Warning")]
        // kube-proxy's pattern: a per-node watch of every service or endpoint slice.
        [InlineData("await foreach (var e in client.CoreV1.{|#0:WatchListServiceForAllNamespacesAsync|}()) { }", "Info")]
        [InlineData("await client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: \"app=web\");", "Silent")]
        [InlineData("await client.CoreV1.ListNamespacedServiceAsync(\"default\");", "Silent")]
        [InlineData("await client.StorageV1.ListStorageClassAsync();", "Silent")]
        [InlineData("await client.CoreV1.ReadNamespacedPodAsync(podName, \"default\");", "Silent")]
        [InlineData("var s = \"spec.nodeName=\" + nodeName; await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: s);", "Silent")]
        public Task RES1002_cluster_wide_access(string snippet, string severity) => Check<RES1002ClusterWideAccessAnalyzer>(snippet, severity);

        [Theory]
        [InlineData("while (true) { await client.CoreV1.{|#0:ListNamespacedPodAsync|}(\"default\"); await Task.Delay(1000); }", "Warning")]
        [InlineData("while (!ct.IsCancellationRequested) { await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(); await Task.Delay(30_000, ct); }", "Warning")]
        [InlineData("do { await client.CoreV1.{|#0:ListNodeAsync|}(); await Task.Delay(TimeSpan.FromMinutes(1)); } while (true);", "Warning")]
        // A period TimeSpan cannot hold (the code would throw at run time): the analyzer reads no period and does not throw.
        [InlineData("while (true) { await client.CoreV1.{|#0:ListNodeAsync|}(); await Task.Delay(TimeSpan.FromHours(int.MaxValue)); }", "Warning")]
        [InlineData("while (true) { await client.CoreV1.{|#0:ListNodeAsync|}(); await Task.Delay(new TimeSpan(int.MaxValue, 0, 0)); }", "Warning")]
        [InlineData("for (;;) { client.CoreV1.{|#0:ListNode|}(); Thread.Sleep(5000); }", "Warning")]
        [InlineData("using var t = new PeriodicTimer(TimeSpan.FromSeconds(10)); while (await t.WaitForNextTickAsync()) { await client.CoreV1.{|#0:ListNamespacedPodAsync|}(\"default\"); }", "Warning")]
        [InlineData("using var t = new PeriodicTimer(TimeSpan.FromSeconds(10)); while (await t.WaitForNextTickAsync()) { await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(); }", "Warning")]
        [InlineData("var timer = new Timer(_ => client.CoreV1.{|#0:ListNode|}(), null, TimeSpan.Zero, TimeSpan.FromSeconds(30));", "Warning")]
        [InlineData("var timer = new System.Timers.Timer(1000); timer.Elapsed += (s, e) => client.CoreV1.{|#0:ListNode|}();", "Warning")]
        [InlineData("while (true) { await Task.Run(() => client.CoreV1.{|#0:ListNodeAsync|}()); await Task.Delay(1000); }", "Warning")]
        [InlineData("while (true) { try { await client.CoreV1.{|#0:ListNodeAsync|}(); } catch (Exception) { } await Task.Delay(1000); }", "Warning")]
        [InlineData("while (true) { await client.CoreV1.{|#0:ListNodeAsync|}(); }", "Warning")]
        [InlineData("while (true) { string? t = null; do { var p = await client.CoreV1.{|#0:ListNodeAsync|}(limit: 500, continueParameter: t); t = p.Metadata.ContinueProperty; } while (t != null); await Task.Delay(60_000); }", "Warning")]
        [InlineData("string? token = null; do { var p = await client.CoreV1.ListNodeAsync(limit: 500, continueParameter: token); token = p.Metadata.ContinueProperty; } while (token != null);", "Silent")]
        [InlineData("while (true) { try { await client.CoreV1.ListNodeAsync(); break; } catch (Exception) { await Task.Delay(1000); } }", "Silent")]
        [InlineData("foreach (var ns in new[] { \"a\", \"b\" }) { await client.CoreV1.ListNamespacedPodAsync(ns); }", "Silent")]
        [InlineData("for (int i = 0; i < 3; i++) { await client.CoreV1.ListNamespacedPodAsync(\"default\"); }", "Silent")]
        [InlineData("await client.CoreV1.ListNodeAsync();", "Silent")]
        [InlineData("while (true) { await foreach (var e in client.CoreV1.WatchListNodeAsync(resourceVersion: version)) { } }", "Silent")]
        [InlineData("while (true) { await client.CoreV1.ReadNodeAsync(nodeName); await Task.Delay(1000); }", "Silent")]
        // metadata.name= reads one key in one namespace or for a cluster-scoped kind (store.go ListPredicate), every pod across
        // namespaces. The one key polled is a GET's work through the list path: a suggestion to make it the GET (Read…).
        [InlineData("while (true) { await client.CoreV1.{|#0:ListPodForAllNamespacesAsync|}(fieldSelector: \"metadata.name=\" + podName); await Task.Delay(1000); }", "Warning")]
        [InlineData("while (true) { await client.CoreV1.{|#0:ListNamespacedPodAsync|}(\"default\", fieldSelector: \"metadata.name=\" + podName); await Task.Delay(1000); }", "Info")]
        [InlineData("while (true) { await client.CoreV1.{|#0:ListNodeAsync|}(fieldSelector: \"metadata.name=\" + nodeName); await Task.Delay(1000); }", "Info")]
        [InlineData("await client.CoreV1.ListNodeAsync(fieldSelector: \"metadata.name=\" + nodeName);", "Silent")]
        // A kind the table has no count for is still polled: priced as "every … (count unknown)", never a number.
        [InlineData("while (true) { await client.CoreV1.{|#0:ListSecretForAllNamespacesAsync|}(); await Task.Delay(1000); }", "Warning")]
        public Task RES1003_polling(string snippet, string severity) => Check<RES1003PollingListAnalyzer>(snippet, severity);

        [Theory]
        // Started once and never restarted: one replay, a suggestion (survey: Sharplet). Restarted: a warning.
        [InlineData("await foreach (var e in client.CoreV1.{|#0:WatchListPodForAllNamespacesAsync|}()) { }", "Info")]
        [InlineData("await foreach (var e in client.CoreV1.{|#0:WatchListNamespacedPodAsync|}(\"default\")) { }", "Info")]
        [InlineData("await foreach (var e in client.CoreV1.{|#0:WatchListNodeAsync|}(resourceVersion: \"0\")) { }", "Info")]
        [InlineData("await foreach (var e in client.CoreV1.{|#0:WatchListNodeAsync|}(resourceVersion: \"\")) { }", "Info")]
        [InlineData("await client.CoreV1.{|#0:ListNamespacedPodWithHttpMessagesAsync|}(\"default\", watch: true);", "Info")]
        [InlineData("await client.CoreV1.{|#0:ListNodeWithHttpMessagesAsync|}(watch: true, allowWatchBookmarks: true);", "Info")]
        [InlineData("client.CoreV1.{|#0:WatchListNamespacedPod|}(\"default\", onEvent: (t, p) => { });", "Info")]
        [InlineData("generic.{|#0:Watch|}<V1Pod>((t, p) => { });", "Info")]
        [InlineData("await foreach (var e in generic.{|#0:WatchAsync|}<V1Pod>()) { }", "Info")]
        [InlineData("await foreach (var e in generic.{|#0:WatchNamespacedAsync|}<V1Pod>(\"default\")) { }", "Info")]
        [InlineData("while (true) { await foreach (var e in client.CoreV1.{|#0:WatchListNodeAsync|}()) { } }", "Warning")]
        [InlineData("await foreach (var e in client.CoreV1.WatchListPodForAllNamespacesAsync(resourceVersion: version, allowWatchBookmarks: true)) { }", "Silent")]
        [InlineData("var l = await client.CoreV1.ListNodeAsync(limit: 500); await foreach (var e in client.CoreV1.WatchListNodeAsync(resourceVersion: l.Metadata.ResourceVersion)) { }", "Silent")]
        [InlineData("await foreach (var e in client.CoreV1.WatchListNodeAsync(fieldSelector: \"metadata.name=\" + nodeName)) { }", "Silent")]
        [InlineData("await client.CoreV1.ListNodeWithHttpMessagesAsync(watch: false, limit: 500);", "Silent")]
        [InlineData("await client.CoreV1.ListNodeAsync(limit: 500);", "Silent")]
        public Task RES1004_watch_without_resume(string snippet, string severity) => Check<RES1004WatchWithoutResumeAnalyzer>(snippet, severity);

        [Theory]
        [InlineData("while (true) { try { await client.CoreV1.{|#0:ReadNodeAsync|}(nodeName); return; } catch (Exception) { await Task.Delay(2000); } }", "Warning")]
        [InlineData("while (true) { try { await client.CoreV1.{|#0:ReadNodeAsync|}(nodeName); break; } catch (Exception) { } }", "Warning")]
        [InlineData("for (int i = 0; i < 5; i++) { try { await client.CoreV1.{|#0:ListNodeAsync|}(limit: 500); break; } catch (Exception) { Thread.Sleep(100); } }", "Warning")]
        [InlineData("do { try { await client.CoreV1.{|#0:CreateNamespacedConfigMapAsync|}(new V1ConfigMap(), \"default\"); return; } catch (Exception) { await Task.Delay(TimeSpan.FromSeconds(1)); } } while (true);", "Warning")]
        [InlineData("int a = 0; while (true) { try { await client.CoreV1.{|#0:PatchNodeAsync|}(new V1Patch(\"{}\", V1Patch.PatchType.MergePatch), nodeName); return; } catch (Exception) { await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, a++))); } }", "Warning")]
        [InlineData("while (true) { try { client.CoreV1.{|#0:ReadNode|}(nodeName); return; } catch (Exception) { } }", "Warning")]
        [InlineData("while (true) { try { await client.CoreV1.{|#0:ReadNamespacedPodAsync|}(podName, \"default\"); return; } catch (k8s.Autorest.HttpOperationException) { await Task.Delay(500); } }", "Warning")]
        [InlineData("while (true) { try { await client.CoreV1.{|#0:DeleteNamespacedPodAsync|}(podName, \"default\"); return; } catch (Exception) { await Task.Delay(100, ct); } }", "Warning")]
        [InlineData("var d = 800.0; while (true) { try { await client.CoreV1.ReadNodeAsync(nodeName); return; } catch (Exception) { await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * d)); d = Math.Min(d * 2, 30_000); } }", "Silent")]
        [InlineData("while (true) { try { await client.CoreV1.ReadNodeAsync(nodeName); return; } catch (Exception) { await BackoffWithJitterAsync(); } }", "Silent")]
        [InlineData("while (true) { try { await client.CoreV1.ReadNodeAsync(nodeName); } catch (Exception) { } await Task.Delay(30_000); }", "Silent")]
        [InlineData("while (true) { try { await client.CoreV1.ReadNodeAsync(nodeName); return; } catch (Exception) { throw; } }", "Silent")]
        [InlineData("try { await client.CoreV1.ReadNodeAsync(nodeName); } catch (Exception) { await Task.Delay(1000); }", "Silent")]
        [InlineData("while (true) { try { await Task.Delay(10); return; } catch (Exception) { } }", "Silent")]
        [InlineData("foreach (var n in new[] { \"a\" }) { try { await client.CoreV1.ReadNodeAsync(n); break; } catch (Exception) { } }", "Silent")]
        public Task RES1005_retry_without_backoff(string snippet, string severity) => Check<RES1005RetryWithoutBackoffAnalyzer>(snippet, severity);

        [Theory]
        [InlineData("while (true) { await Dns.{|#0:GetHostAddressesAsync|}(\"collector.svc\"); await Task.Delay(1000); }", "Warning")]
        [InlineData("var a = await Dns.{|#0:GetHostAddressesAsync|}(podName); using var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp); await s.ConnectAsync(a, 80);", "Warning")]
        [InlineData("Dns.{|#0:GetHostAddresses|}(\"collector.svc\");", "Info")]
        [InlineData("Dns.{|#0:GetHostEntry|}(\"collector.svc\");", "Info")]
        [InlineData("await Dns.{|#0:GetHostEntryAsync|}(\"collector.svc\");", "Info")]
        [InlineData("await Dns.{|#0:GetHostAddressesAsync|}(\"collector.svc\", System.Net.Sockets.AddressFamily.InterNetwork, ct);", "Info")]
        [InlineData("Dns.{|#0:BeginGetHostAddresses|}(\"collector.svc\", null, null);", "Info")]
        [InlineData("Dns.{|#0:BeginGetHostEntry|}(\"collector.svc\", null, null);", "Info")]
        [InlineData("#pragma warning disable CS0618\nDns.{|#0:Resolve|}(\"collector.svc\");", "Info")]
        [InlineData("#pragma warning disable CS0618\nDns.{|#0:GetHostByName|}(\"collector.svc\");", "Info")]
        [InlineData("for (;;) { Dns.{|#0:GetHostEntry|}(nodeName); Thread.Sleep(100); }", "Warning")]
        [InlineData("Dns.GetHostAddresses(\"10.0.0.1\");", "Silent")]
        [InlineData("Dns.GetHostAddresses(\"::1\");", "Silent")]
        [InlineData("Dns.GetHostAddresses(\"localhost\");", "Silent")]
        [InlineData("while (true) { Dns.{|#0:GetHostAddresses|}(family: System.Net.Sockets.AddressFamily.InterNetwork, hostNameOrAddress: \"collector.svc\"); Thread.Sleep(1000); }", "Warning")]
        [InlineData("Dns.GetHostAddresses(\"api.localhost\");", "Silent")]
        [InlineData("Dns.GetHostEntry(Dns.GetHostName());", "Silent")]
        [InlineData("Dns.GetHostEntry(IPAddress.Loopback);", "Silent")]
        [InlineData("Dns.GetHostName();", "Silent")]
        [InlineData("var h = Dns.GetHostName(); Dns.GetHostEntry(h);", "Silent")]
        [InlineData("Dns.GetHostAddresses(Environment.GetEnvironmentVariable(\"POD_NAME\") ?? Environment.MachineName);", "Silent")]
        [InlineData("Dns.GetHostAddresses(Environment.MachineName);", "Silent")]
        public Task RES2001_uncached_dns(string snippet, string severity) => Check<RES2001UncachedDnsAnalyzer>(snippet, severity);
    }
}
