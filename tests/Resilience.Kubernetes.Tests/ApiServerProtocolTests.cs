using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>
    /// The loopback API server's protocol where kubectl does not reach it (KubectlConformanceTests covers what kubectl
    /// uses): metadata as kube-apiserver fills it, resourceVersion / resourceVersionMatch, consistent and expiring
    /// continue tokens, Table watches and includeObject, periodic bookmarks — through the real client or raw HTTP.
    /// </summary>
    public class ApiServerProtocolTests
    {
        private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

        [Fact]
        public async Task Metadata_is_filled_on_create_and_kept_on_update_with_generation_counting_spec_changes()
        {
            var clock = new DateTimeOffset(2026, 3, 1, 12, 0, 0, 500, TimeSpan.Zero);
            await using var server = await FakeApiServer.StartAsync();
            server.Clock = () => clock;
            using var client = server.CreateClient();

            server.Upsert(FakeApiServer.Pod("ns-0", "p", "node-0"));
            var created = await client.CoreV1.ReadNamespacedPodAsync("p", "ns-0", cancellationToken: Timeout());
            clock = clock.AddMinutes(5);
            server.Upsert(FakeApiServer.Pod("ns-0", "p", "node-0", new Dictionary<string, string> { ["a"] = "b" }));
            var relabelled = await client.CoreV1.ReadNamespacedPodAsync("p", "ns-0", cancellationToken: Timeout());
            server.Upsert(FakeApiServer.Pod("ns-0", "p", "node-1"));
            var moved = await client.CoreV1.ReadNamespacedPodAsync("p", "ns-0", cancellationToken: Timeout());

            Assert.True(Guid.TryParse(created.Metadata.Uid, out _));
            Assert.Equal(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), created.Metadata.CreationTimestamp!.Value.ToUniversalTime()); // whole seconds
            Assert.Equal(1, created.Metadata.Generation);
            Assert.Equal((created.Metadata.Uid, created.Metadata.CreationTimestamp, 1L), (relabelled.Metadata.Uid, relabelled.Metadata.CreationTimestamp, relabelled.Metadata.Generation!.Value));
            Assert.Equal((created.Metadata.Uid, 2L), (moved.Metadata.Uid, moved.Metadata.Generation!.Value));
            Assert.True(long.Parse(moved.Metadata.ResourceVersion) > long.Parse(relabelled.Metadata.ResourceVersion));
            // Its namespace was created with it.
            Assert.Equal("Active", (await client.CoreV1.ReadNamespaceAsync("ns-0", cancellationToken: Timeout())).Status.Phase);
        }

        [Theory]
        [InlineData("resourceVersionMatch=NotOlderThan", 422, "resourceVersionMatch is forbidden unless resourceVersion is provided")]
        [InlineData("resourceVersion=0&resourceVersionMatch=Exact", 422, "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")]
        [InlineData("resourceVersion=5&resourceVersionMatch=Newest", 422, "Unsupported value: \"Newest\"")]
        [InlineData("resourceVersion=abc", 400, "invalid resource version")]
        [InlineData("resourceVersion=1001&continue=x", 400, "specifying resource version is not allowed when using continue")]
        [InlineData("continue=not-a-token", 400, "continue key is not valid")]
        [InlineData("fieldSelector=status.phase%3DRunning", 200, "")]
        [InlineData("fieldSelector=spec.nodeName%3Dn", 400, "field label not supported: spec.nodeName")]
        public async Task List_options_the_API_server_refuses_are_refused_with_its_Status(string query, int code, string message)
        {
            await using var server = await FakeApiServer.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

            // The field selector rows: status.phase is a pod field; nodes only have metadata.name and spec.unschedulable.
            var path = query.Contains("spec.nodeName", StringComparison.Ordinal) ? "/api/v1/nodes" : "/api/v1/pods";
            using var response = await http.GetAsync(path + "?" + query, Timeout());
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(code, (int)response.StatusCode);
            if (code == 200) return;
            var status = JsonDocument.Parse(body).RootElement;
            Assert.Equal(("Status", "Failure", code), (status.GetProperty("kind").GetString(), status.GetProperty("status").GetString(), status.GetProperty("code").GetInt32()));
            Assert.Contains(message, status.GetProperty("message").GetString());
        }

        [Fact]
        public async Task An_Exact_list_shows_the_state_at_that_resourceVersion_and_a_compacted_one_is_410()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 3);
            using var client = server.CreateClient();
            var before = (await client.CoreV1.ListNamespacedPodAsync("ns-0", cancellationToken: Timeout()));

            server.Upsert(FakeApiServer.Pod("ns-0", "later", "node-0"));
            server.Delete("pods", "ns-0", "pod-0-0");
            server.Upsert(FakeApiServer.Pod("ns-0", "pod-1-0", "node-0"));
            var exact = await client.CoreV1.ListNamespacedPodAsync("ns-0", resourceVersion: before.Metadata.ResourceVersion, resourceVersionMatch: "Exact", cancellationToken: Timeout());
            var now = await client.CoreV1.ListNamespacedPodAsync("ns-0", resourceVersion: before.Metadata.ResourceVersion, resourceVersionMatch: "NotOlderThan", cancellationToken: Timeout());

            Assert.Equal(before.Items.Select(p => (p.Metadata.Name, p.Metadata.ResourceVersion, p.Spec.NodeName)), exact.Items.Select(p => (p.Metadata.Name, p.Metadata.ResourceVersion, p.Spec.NodeName)));
            Assert.Equal(before.Metadata.ResourceVersion, exact.Metadata.ResourceVersion);
            Assert.Equal(new[] { "later", "pod-1-0" }, now.Items.Select(p => p.Metadata.Name));
            Assert.Equal(server.CurrentResourceVersion.ToString(), now.Metadata.ResourceVersion);

            server.CompactHistory();
            var gone = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedPodAsync("ns-0", resourceVersion: before.Metadata.ResourceVersion, resourceVersionMatch: "Exact", cancellationToken: Timeout()));
            Assert.Equal(HttpStatusCode.Gone, gone.Response.StatusCode);
            Assert.Contains("\"reason\":\"Expired\"", gone.Response.Content);
        }

        [Fact]
        public async Task A_resourceVersion_newer_than_the_server_waits_for_it_then_is_504_Too_large()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var client = server.CreateClient();
            var next = (server.CurrentResourceVersion + 1).ToString();

            var waiting = client.CoreV1.ListNamespacedPodAsync("ns-0", resourceVersion: next, cancellationToken: Timeout());
            await Task.Delay(100);
            server.Upsert(FakeApiServer.Pod("ns-0", "arrives", "node-0"));
            Assert.Equal("arrives", Assert.Single((await waiting).Items).Metadata.Name);

            var started = DateTime.UtcNow;
            var tooLarge = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedPodAsync("ns-0", resourceVersion: "999999", cancellationToken: Timeout()));
            Assert.Equal(HttpStatusCode.GatewayTimeout, tooLarge.Response.StatusCode);
            Assert.Contains("Too large resource version", tooLarge.Response.Content);
            Assert.Contains("ResourceVersionTooLarge", tooLarge.Response.Content);
            Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(2.9), "the server waits ~3 s for the resourceVersion first");
        }

        [Fact]
        public async Task Continue_pages_are_one_consistent_snapshot_and_a_token_past_its_lifetime_is_410()
        {
            var clock = DateTimeOffset.UtcNow;
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 6);
            server.Clock = () => clock;
            server.ContinueTokenLifetime = TimeSpan.FromMinutes(5);
            using var client = server.CreateClient();
            var before = (await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: Timeout())).Items.Select(p => p.Metadata.Name).ToArray();

            var first = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 4, cancellationToken: Timeout());
            server.Upsert(FakeApiServer.Pod("ns-2", "zz-created-after-page-one", "node-0"));
            server.Delete("pods", "ns-2", "pod-1-5");
            var names = first.Items.Select(p => p.Metadata.Name).ToList();
            var token = first.Metadata.ContinueProperty;
            while (!string.IsNullOrEmpty(token))
            {
                var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 4, continueParameter: token, cancellationToken: Timeout());
                Assert.Equal(first.Metadata.ResourceVersion, page.Metadata.ResourceVersion);
                names.AddRange(page.Items.Select(p => p.Metadata.Name));
                token = page.Metadata.ContinueProperty;
            }

            Assert.Equal(before, names);

            var again = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 4, cancellationToken: Timeout());
            clock = clock.AddMinutes(5).AddSeconds(1);
            var expired = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListPodForAllNamespacesAsync(limit: 4, continueParameter: again.Metadata.ContinueProperty, cancellationToken: Timeout()));
            Assert.Equal(HttpStatusCode.Gone, expired.Response.StatusCode);
        }

        [Fact]
        public async Task A_Table_watch_sends_the_columns_with_its_first_event_and_periodic_bookmarks_to_a_watch_that_allows_them()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 4); // ns-0 holds pod-0-0 and pod-0-3
            server.BookmarkInterval = TimeSpan.FromMilliseconds(200);
            using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/ns-0/pods?watch=true&allowWatchBookmarks=true&includeObject=Object");
            request.Headers.TryAddWithoutValidation("Accept", TableAccept);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Timeout());
            Assert.Equal("application/json;as=Table;v=v1;g=meta.k8s.io", response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Timeout()));

            var events = new List<JsonElement>();
            while (events.Count < 2 || events[^1].GetProperty("type").GetString() != "BOOKMARK")
            {
                events.Add(JsonDocument.Parse((await reader.ReadLineAsync(Timeout()))!).RootElement);
            }

            var tables = events.Where(e => e.GetProperty("type").GetString() == "ADDED").Select(e => e.GetProperty("object")).ToArray();
            Assert.Equal(2, tables.Length);
            Assert.All(tables, t => Assert.Equal("Table", t.GetProperty("kind").GetString()));
            Assert.True(tables[0].TryGetProperty("columnDefinitions", out var columns) && columns.GetArrayLength() == 9);
            Assert.False(tables[1].TryGetProperty("columnDefinitions", out _));
            var row = tables[1].GetProperty("rows")[0];
            Assert.Equal("Pod", row.GetProperty("object").GetProperty("kind").GetString()); // includeObject=Object: the whole pod
            Assert.Equal("Running", row.GetProperty("cells")[2].GetString());
        }

        [Theory]
        [InlineData("", "PartialObjectMetadata")]
        [InlineData("&includeObject=None", null)]
        [InlineData("&includeObject=Object", "Node")]
        public async Task A_Table_list_carries_each_row_s_object_as_includeObject_asks(string query, string? kind)
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 3, podsPerNode: 0);
            using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes?limit=2" + query);
            request.Headers.TryAddWithoutValidation("Accept", TableAccept);

            using var response = await http.SendAsync(request, Timeout());
            var table = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

            Assert.Equal("meta.k8s.io/v1", table.GetProperty("apiVersion").GetString());
            Assert.False(string.IsNullOrEmpty(table.GetProperty("metadata").GetProperty("continue").GetString()));
            Assert.Equal(new[] { "Name", "Status", "Roles", "Age", "Version" }, table.GetProperty("columnDefinitions").EnumerateArray().Where(c => c.GetProperty("priority").GetInt32() == 0).Select(c => c.GetProperty("name").GetString()));
            var rows = table.GetProperty("rows").EnumerateArray().ToArray();
            Assert.Equal(new[] { "node-0", "node-1" }, rows.Select(r => r.GetProperty("cells")[0].GetString()));
            Assert.Equal(kind, rows[0].TryGetProperty("object", out var o) ? o.GetProperty("kind").GetString() : null);
            Assert.True(server.Requests[^1].AsTable);
        }
    }
}
