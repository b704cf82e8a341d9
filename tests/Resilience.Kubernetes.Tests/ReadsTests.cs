using System.Linq;
using System.Threading.Tasks;
using k8s;
using Resilience.Kubernetes.Testing;
using Xunit;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>Reads.ReadOrNullAsync, what the RES1002 fix writes for a list searched by name: the real client against the loopback API server.</summary>
    public class ReadsTests
    {
        [Fact]
        public async Task ReadsOneObjectByNameAndNullWhereTheSearchFoundNothing()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 6);
            using var client = server.CreateClient();

            var found = await Reads.ReadOrNullAsync("pod-1-3", n => client.CoreV1.ReadNamespacedPodAsync(n, "ns-0", cancellationToken: TestKit.Timeout()));
            Assert.Equal("pod-1-3", found?.Metadata.Name);

            var missing = await Reads.ReadOrNullAsync("no-such-pod", n => client.CoreV1.ReadNamespacedPodAsync(n, "ns-0", cancellationToken: TestKit.Timeout()));
            Assert.Null(missing);

            // One GET each: no LIST, nothing else read.
            Assert.Equal(new[] { "get", "get" }, server.Requests.Select(r => r.Verb).ToArray());
            Assert.Empty(server.Lists);
        }

        [Fact]
        public async Task ReadsANodeByNameWhereTheNameSelectedListGaveOneOrNone()
        {
            // What the fix writes for ListNodeAsync(fieldSelector: "metadata.name=" + name) searched for its one item.
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 3, podsPerNode: 1);
            using var client = server.CreateClient();

            var listed = (await client.CoreV1.ListNodeAsync(fieldSelector: "metadata.name=node-2", cancellationToken: TestKit.Timeout())).Items.FirstOrDefault();
            var read = await Reads.ReadOrNullAsync("node-2", n => client.CoreV1.ReadNodeAsync(n, cancellationToken: TestKit.Timeout()));
            Assert.Equal(listed?.Metadata.Name, read?.Metadata.Name);
            Assert.Equal("node-2", read?.Metadata.Name);

            var listedMissing = (await client.CoreV1.ListNodeAsync(fieldSelector: "metadata.name=node-9", cancellationToken: TestKit.Timeout())).Items.FirstOrDefault();
            var readMissing = await Reads.ReadOrNullAsync("node-9", n => client.CoreV1.ReadNodeAsync(n, cancellationToken: TestKit.Timeout()));
            Assert.Null(listedMissing);
            Assert.Null(readMissing);
            Assert.Equal(new[] { "list", "get", "list", "get" }, server.Requests.Select(r => r.Verb).ToArray());
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        public async Task NoNameIsNoObjectAndNoRequest(string? name)
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 3);
            using var client = server.CreateClient();

            Assert.Null(await Reads.ReadOrNullAsync(name, n => client.CoreV1.ReadNamespacedPodAsync(n, "ns-0")));
            Assert.Empty(server.Requests);
        }

        [Fact]
        public async Task OtherErrorsStillThrow()
        {
            // A 403 (or any status but 404) is not "absent".
            var forbidden = new k8s.Autorest.HttpOperationException("forbidden")
            {
                Response = new k8s.Autorest.HttpResponseMessageWrapper(new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.Forbidden), string.Empty),
            };
            await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => Reads.ReadOrNullAsync<k8s.Models.V1Pod>("x", _ => Task.FromException<k8s.Models.V1Pod>(forbidden)));
        }
    }
}
