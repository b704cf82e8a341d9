using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests.Kubectl
{
    /// <summary>
    /// Real kubectl against the loopback API server, and the same flows through the real KubernetesClient: what kubectl
    /// prints must be what the client reads (names, namespaces, status, metadata, errors). Issue 15: the peer the
    /// project's numbers are checked against must be one a client written elsewhere accepts.
    /// </summary>
    public sealed class KubectlConformanceTests
    {
        private const string DefaultNamespace = "ns-0";

        [KubectlFact]
        public async Task Get_pods_prints_the_columns_and_the_pods_the_client_lists()
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;

            var rows = Kubectl.Rows(await kubectl.OkAsync("get", "pods"), out var header);

            Assert.Equal(new[] { "NAME", "READY", "STATUS", "RESTARTS", "AGE" }, header);
            var pods = (await client.CoreV1.ListNamespacedPodAsync(DefaultNamespace, cancellationToken: Timeout())).Items;
            Assert.Equal(pods.Select(p => p.Metadata.Name), rows.Select(r => r["NAME"]));
            foreach (var (row, pod) in rows.Zip(pods))
            {
                Assert.Equal(pod.Status.Phase, row["STATUS"]);
                Assert.Equal($"{pod.Status.ContainerStatuses.Count(c => c.Ready)}/{pod.Spec.Containers.Count}", row["READY"]);
                Assert.Matches("^[0-9]+s$", row["AGE"]);
            }

            Assert.Contains(rows, r => r["STATUS"] == "Pending" && r["READY"] == "0/1");
            // kubectl found pods through discovery and asked for a Table; the client asked for JSON.
            Assert.Contains(server.Requests, r => r.PathAndQuery.StartsWith("/api/v1?", StringComparison.Ordinal) && r.StatusCode == 200);
            var lists = server.Lists.Where(r => r.Resource == "pods").ToArray();
            Assert.Equal(new[] { true, false }, lists.Select(r => r.AsTable));
        }

        [KubectlFact]
        public async Task Get_pods_in_all_namespaces_in_chunks_follows_the_continue_tokens_as_the_client_does()
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;
            var all = server.Count("pods");

            var rows = Kubectl.Rows(await kubectl.OkAsync("get", "pods", "-A", "--chunk-size=5"), out var header);
            var kubectlPages = server.Lists.Count(r => r.Limit == 5);

            Assert.Equal(new[] { "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE" }, header);
            var listed = new List<string>();
            string? token = null;
            var clientPages = 0;
            do
            {
                var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 5, continueParameter: token, cancellationToken: Timeout());
                listed.AddRange(page.Items.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name));
                token = page.Metadata.ContinueProperty;
                clientPages++;
            }
            while (!string.IsNullOrEmpty(token));

            Assert.Equal(listed, rows.Select(r => r["NAMESPACE"] + "/" + r["NAME"]));
            Assert.Equal(all, listed.Count);
            Assert.Equal((all + 4) / 5, kubectlPages);
            Assert.Equal(kubectlPages, clientPages);
        }

        [KubectlFact]
        public async Task An_expired_continue_token_is_the_same_410_Expired_for_kubectl_and_the_client()
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;

            server.ExpireContinueTokensOnNext(r => r.HasContinue);
            var (exit, _, stderr) = await kubectl.RunAsync("get", "pods", "-A", "--chunk-size=5");

            var first = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 5, cancellationToken: Timeout());
            server.ExpireContinueTokens();
            var error = await Assert.ThrowsAsync<HttpOperationException>(
                () => client.CoreV1.ListPodForAllNamespacesAsync(limit: 5, continueParameter: first.Metadata.ContinueProperty, cancellationToken: Timeout()));

            var status = StatusOf(error);
            Assert.Equal(410, status.Code);
            Assert.Equal("Expired", status.Reason);
            Assert.NotEqual(0, exit);
            Assert.Contains($"Error from server ({status.Reason}): {status.Message}", stderr);
        }

        [KubectlTheory]
        [InlineData("spec.nodeName=node-1", 7)]
        [InlineData("status.phase=Pending", 1)]
        [InlineData("status.phase!=Running,metadata.namespace=ns-0", 1)]
        [InlineData("metadata.name=pod-2-3", 1)]
        [InlineData("spec.nodeName=node-1,metadata.namespace!=ns-1", 5)]
        public Task Field_selectors_select_the_same_pods_for_kubectl_and_the_client(string selector, int expected) => SelectsTheSamePods("--field-selector", selector, expected);

        [KubectlTheory]
        [InlineData("app=web", 13)]
        [InlineData("app!=web", 15)]
        [InlineData("app in (web,cache)", 14)]
        [InlineData("app notin (web)", 15)]
        [InlineData("tier", 2)]
        [InlineData("!tier", 26)]
        [InlineData("app=web,tier in (frontend)", 1)]
        public Task Label_selectors_equality_and_set_based_select_the_same_pods_for_kubectl_and_the_client(string selector, int expected) => SelectsTheSamePods("-l", selector, expected);

        [KubectlTheory]
        [InlineData("--field-selector", "spec.hostname=x")]
        [InlineData("--field-selector", "spec.nodeName")]
        [InlineData("-l", "app in web")]
        public async Task A_selector_the_server_refuses_is_the_same_400_for_kubectl_and_the_client(string flag, string selector)
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;

            var (exit, _, stderr) = await kubectl.RunAsync("get", "pods", "-A", flag, selector);
            var error = await Assert.ThrowsAsync<HttpOperationException>(() => flag == "-l"
                ? client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: selector, cancellationToken: Timeout())
                : client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector, cancellationToken: Timeout()));

            var status = StatusOf(error);
            Assert.Equal((400, "BadRequest"), (status.Code, status.Reason));
            Assert.NotEqual(0, exit);
            // kubectl wraps a failed list: 'Unable to find "/v1, Resource=pods" that match label selector …: <message>'.
            Assert.StartsWith("Error from server (BadRequest): ", stderr);
            Assert.Contains(": " + status.Message, stderr);
        }

        [KubectlFact]
        public async Task Get_pods_as_json_carries_the_metadata_the_client_reads()
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;

            using var json = JsonDocument.Parse(await kubectl.OkAsync("get", "pods", "-A", "-o", "json"));
            var pods = (await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: Timeout())).Items;

            var items = json.RootElement.GetProperty("items").EnumerateArray().ToArray();
            Assert.Equal(pods.Count, items.Length);
            foreach (var (item, pod) in items.Zip(pods))
            {
                var meta = item.GetProperty("metadata");
                Assert.Equal(pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name, meta.GetProperty("namespace").GetString() + "/" + meta.GetProperty("name").GetString());
                Assert.Equal(pod.Metadata.Uid, meta.GetProperty("uid").GetString());
                Assert.Equal(pod.Metadata.ResourceVersion, meta.GetProperty("resourceVersion").GetString());
                Assert.Equal(pod.Metadata.Generation, meta.GetProperty("generation").GetInt64());
                Assert.Equal(pod.Metadata.CreationTimestamp!.Value.ToUniversalTime(), meta.GetProperty("creationTimestamp").GetDateTime().ToUniversalTime());
                Assert.Equal(pod.Spec.NodeName, item.GetProperty("spec").TryGetProperty("nodeName", out var node) ? node.GetString() : null);
                Assert.Equal(pod.Status.Phase, item.GetProperty("status").GetProperty("phase").GetString());
            }

            Assert.Equal(pods.Count, pods.Select(p => p.Metadata.Uid).Distinct().Count());
            Assert.All(pods, p => Assert.Equal(1, p.Metadata.Generation));
        }

        [KubectlFact]
        public async Task Get_nodes_prints_status_roles_and_version_as_the_client_reads_them()
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;

            var rows = Kubectl.Rows(await kubectl.OkAsync("get", "nodes"), out var header);
            var nodes = (await client.CoreV1.ListNodeAsync(cancellationToken: Timeout())).Items;

            Assert.Equal(new[] { "NAME", "STATUS", "ROLES", "AGE", "VERSION" }, header);
            Assert.Equal(nodes.Select(n => n.Metadata.Name), rows.Select(r => r["NAME"]));
            foreach (var (row, node) in rows.Zip(nodes))
            {
                Assert.Equal(node.Status.Conditions.Single(c => c.Type == "Ready").Status == "True" ? "Ready" : "NotReady", row["STATUS"]);
                Assert.Equal(node.Status.NodeInfo.KubeletVersion, row["VERSION"]);
                var roles = node.Metadata.Labels.Keys.Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(k => k.Split('/')[1]).ToArray();
                Assert.Equal(roles.Length == 0 ? "<none>" : string.Join(",", roles), row["ROLES"]);
            }

            Assert.Contains(rows, r => r["NAME"] == "control-plane-0" && r["STATUS"] == "NotReady" && r["ROLES"] == "control-plane");
            var one = Kubectl.Rows(await kubectl.OkAsync("get", "nodes", "--field-selector", "metadata.name=node-2"), out _);
            Assert.Equal("node-2", Assert.Single(one)["NAME"]);
        }

        [KubectlFact]
        public async Task Get_namespaces_prints_the_namespaces_the_client_lists()
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;

            var rows = Kubectl.Rows(await kubectl.OkAsync("get", "namespaces"), out var header);
            var namespaces = (await client.CoreV1.ListNamespaceAsync(cancellationToken: Timeout())).Items;

            Assert.Equal(new[] { "NAME", "STATUS", "AGE" }, header);
            Assert.Equal(namespaces.Select(n => n.Metadata.Name), rows.Select(r => r["NAME"]));
            Assert.Equal(namespaces.Select(n => n.Status.Phase), rows.Select(r => r["STATUS"]));
            Assert.Equal(new[] { "default", "kube-node-lease", "kube-public", "kube-system", "ns-0", "ns-1", "ns-2" }, rows.Select(r => r["NAME"]));
        }

        [KubectlFact]
        public async Task A_missing_object_is_the_same_404_NotFound_for_kubectl_and_the_client()
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;

            var (exit, _, stderr) = await kubectl.RunAsync("get", "pod", "no-such-pod");
            var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedPodAsync("no-such-pod", DefaultNamespace, cancellationToken: Timeout()));

            var status = StatusOf(error);
            Assert.Equal((404, "NotFound", "pods \"no-such-pod\" not found"), (status.Code, status.Reason, status.Message));
            Assert.NotEqual(0, exit);
            Assert.Contains("Error from server (NotFound): pods \"no-such-pod\" not found", stderr);
            var row = Assert.Single(Kubectl.Rows(await kubectl.OkAsync("get", "pod", "pod-1-0"), out _));
            Assert.Equal("Running", row["STATUS"]);
        }

        [KubectlFact]
        public async Task Get_pods_watch_sees_what_an_informer_sees_across_the_watch_expiring_and_a_relist()
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;
            var initial = server.Snapshot("pods").Keys.Where(k => k.StartsWith(DefaultNamespace + "/", StringComparison.Ordinal)).Select(k => k[(DefaultNamespace.Length + 1)..]).ToArray();
            await using var informer = Informers.ForPods(client, DefaultNamespace, options: FastOptions());
            await informer.StartAsync(Timeout());
            await using var watching = kubectl.StartStreaming("get", "pods", "-w");
            await Eventually(() => watching.Lines.Count >= initial.Length + 1, () => "kubectl printed the pods: " + string.Join(" / ", watching.Lines));
            await Eventually(() => server.ActiveWatchCount == 2, "kubectl and the informer watch");

            server.Upsert(FakeApiServer.Pod(DefaultNamespace, "created-while-watching", "node-1"));
            await Eventually(() => watching.Lines.Any(l => l.StartsWith("created-while-watching ", StringComparison.Ordinal)), () => "kubectl printed the new pod: " + string.Join(" / ", watching.Lines));
            await Eventually(() => informer.Items.Any(p => p.Metadata.Name == "created-while-watching"), "the informer has the new pod");
            var watchedNames = watching.Lines.Skip(1).Select(l => Kubectl.Cells(l)[0]).ToArray();
            Assert.Equal(informer.Items.Select(p => p.Metadata.Name).OrderBy(n => n, StringComparer.Ordinal), watchedNames.OrderBy(n => n, StringComparer.Ordinal));

            // The watch window moves past both watches: 410 Expired on the stream. kubectl prints the Status and ends; the
            // informer lists again and watches on.
            var relistsBefore = informer.RelistCount;
            server.ExpireWatches();
            var stderr = await watching.WaitForExitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains(watching.Lines, l => Regex.IsMatch(l, @"^Failure\s+Expired\s+too old resource version"));
            await Eventually(() => informer.RelistCount > relistsBefore && server.ActiveWatchCount == 1, () => "the informer relisted and watches again; " + stderr);

            server.Upsert(FakeApiServer.Pod(DefaultNamespace, "created-after-relist", "node-2"));
            Assert.True(server.Delete("pods", DefaultNamespace, initial[0]));
            await Eventually(() => informer.Items.Count == initial.Length + 1 && informer.Items.Any(p => p.Metadata.Name == "created-after-relist"), "the informer follows the changes");

            var relisted = Kubectl.Rows(await kubectl.OkAsync("get", "pods"), out _).Select(r => r["NAME"]);
            Assert.Equal(informer.Items.Select(p => p.Metadata.Name).OrderBy(n => n, StringComparer.Ordinal), relisted.OrderBy(n => n, StringComparer.Ordinal));
        }

        private static async Task SelectsTheSamePods(string flag, string selector, int expected)
        {
            await using var cluster = await SeededCluster.StartAsync();
            var (server, kubectl, client) = cluster;

            var rows = Kubectl.Rows(await kubectl.OkAsync("get", "pods", "-A", flag, selector), out _);
            var pods = flag == "-l"
                ? await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: selector, cancellationToken: Timeout())
                : await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector, cancellationToken: Timeout());

            var seen = rows.Select(r => r["NAMESPACE"] + "/" + r["NAME"]).ToArray();
            Assert.Equal(pods.Items.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name), seen);
            // The count the seeded cluster gives (SeededCluster): the server's selector semantics, not only agreement.
            Assert.Equal(expected, seen.Length);
        }

        private static (int Code, string Reason, string Message) StatusOf(HttpOperationException error)
        {
            using var json = JsonDocument.Parse(error.Response.Content);
            var root = json.RootElement;
            Assert.Equal("Status", root.GetProperty("kind").GetString());
            Assert.Equal("v1", root.GetProperty("apiVersion").GetString());
            Assert.Equal("Failure", root.GetProperty("status").GetString());
            Assert.Equal((int)error.Response.StatusCode, root.GetProperty("code").GetInt32());
            return (root.GetProperty("code").GetInt32(), root.GetProperty("reason").GetString()!, root.GetProperty("message").GetString()!);
        }

        /// <summary>
        /// A loopback server with 4 ready workers and a NotReady control-plane node; 6 running pods per worker over
        /// ns-0..ns-2 (app=web|db), in ns-0 two labelled tier=frontend|backend and an unscheduled Pending one (app=cache),
        /// and one without labels in ns-1 (28 pods: app=web 13, db 13, cache 1, no app 1); with
        /// kubectl (default namespace ns-0) and a KubernetesClient pointed at it.
        /// </summary>
        private sealed class SeededCluster : IAsyncDisposable
        {
            private SeededCluster(FakeApiServer server)
            {
                Server = server;
                Kubectl = new Kubectl(server, DefaultNamespace);
                Client = server.CreateClient();
            }

            public FakeApiServer Server { get; }

            public Kubectl Kubectl { get; }

            public k8s.Kubernetes Client { get; }

            public static async Task<SeededCluster> StartAsync()
            {
                var server = await FakeApiServer.StartAsync();
                server.AddCluster(nodes: 4, podsPerNode: 6);
                server.Upsert(FakeApiServer.Node("control-plane-0", new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "" }, ready: false));
                server.Upsert(FakeApiServer.Pod(DefaultNamespace, "frontend", "node-1", new Dictionary<string, string> { ["app"] = "web", ["tier"] = "frontend" }));
                server.Upsert(FakeApiServer.Pod(DefaultNamespace, "backend", "node-2", new Dictionary<string, string> { ["app"] = "db", ["tier"] = "backend" }));
                server.Upsert(FakeApiServer.Pod(DefaultNamespace, "unscheduled", null, new Dictionary<string, string> { ["app"] = "cache" }, phase: "Pending"));
                server.Upsert(FakeApiServer.Pod("ns-1", "unlabelled", "node-3"));
                return new SeededCluster(server);
            }

            public void Deconstruct(out FakeApiServer server, out Kubectl kubectl, out k8s.Kubernetes client) => (server, kubectl, client) = (Server, Kubectl, Client);

            public async ValueTask DisposeAsync()
            {
                Client.Dispose();
                Kubectl.Dispose();
                await Server.DisposeAsync();
            }
        }
    }
}
