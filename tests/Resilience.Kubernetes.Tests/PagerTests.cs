using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using k8s.Models;
using Resilience.Kubernetes.Testing;
using Xunit;

namespace Resilience.Kubernetes.Tests
{
    public class PagerTests
    {
        [Fact]
        public async Task PagesByLimitAndReturnsEveryItemExactlyOnce()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 5, podsPerNode: 50);
            using var client = server.CreateClient();
            var pods = ListWatch.ForPods(client);

            var all = await ListPager.ListAllAsync(pods, pageSize: 100, cancellationToken: TestKit.Timeout());

            Assert.Equal(250, all.Items.Count);
            Assert.Equal(250, all.Items.Select(ObjectKey.Of).Distinct().Count());
            Assert.Equal(server.CurrentResourceVersion.ToString(), all.Metadata.ResourceVersion);
            var lists = server.Lists;
            Assert.Equal(3, lists.Count);
            Assert.All(lists, l => Assert.Equal(100, l.Limit));
            Assert.Equal(new[] { false, true, true }, lists.Select(l => l.HasContinue).ToArray());
            Assert.All(lists, l => Assert.Equal(ServedFrom.Etcd, l.ServedFrom));
            Assert.Equal(250, server.ListObjectsProcessed);

            var streamed = new List<string>();
            await foreach (var pod in ListPager.EnumerateAsync(pods, pageSize: 100, cancellationToken: TestKit.Timeout()))
                streamed.Add(ObjectKey.Of(pod));
            Assert.Equal(all.Items.Select(ObjectKey.Of), streamed);
        }

        [Fact]
        public async Task DefaultsToPagesOf500()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 3);
            using var client = server.CreateClient();
            var all = await ListPager.ListAllAsync(ListWatch.ForNodes(client), cancellationToken: TestKit.Timeout());
            Assert.Single(all.Items);
            Assert.Equal(500, Assert.Single(server.Lists).Limit);
        }

        [Fact]
        public async Task FallsBackToAFullListWhenTheContinueTokenExpires()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 5, podsPerNode: 50);
            using var client = server.CreateClient();
            var inner = ListWatch.ForPods(client);
            var calls = 0;
            // Tokens expire right after the first page has been served.
            var expiring = new ListWatch<V1Pod, V1PodList>(
                async (o, ct) =>
                {
                    var page = await inner.ListAsync(o, ct);
                    if (++calls == 1) server.ExpireContinueTokens();
                    return page;
                },
                inner.WatchAsync);

            var all = await ListPager.ListAllAsync(expiring, pageSize: 100, cancellationToken: TestKit.Timeout());

            Assert.Equal(250, all.Items.Count);
            Assert.Equal(250, all.Items.Select(ObjectKey.Of).Distinct().Count());
            var lists = server.Lists;
            Assert.Equal(3, lists.Count);
            Assert.Equal(410, lists[1].StatusCode);
            Assert.True(lists[1].HasContinue);
            Assert.Null(lists[2].Limit);
            Assert.False(lists[2].HasContinue);
            Assert.Equal(250, lists[2].ObjectsReturned);

            calls = 0;
            var streamed = new List<string>();
            await foreach (var pod in ListPager.EnumerateAsync(expiring, pageSize: 100, cancellationToken: TestKit.Timeout()))
                streamed.Add(ObjectKey.Of(pod));
            Assert.Equal(250, streamed.Count);
            Assert.Equal(250, streamed.Distinct().Count());
        }

        [Fact]
        public async Task BadArgumentsAreRejectedWhenTheStreamIsCreatedNotWhenItIsRead()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var client = server.CreateClient();
            var pods = ListWatch.ForPods(client);
            Assert.Equal("listWatch", Assert.Throws<ArgumentNullException>(() => ListPager.PagesAsync<V1Pod, V1PodList>(null!)).ParamName);
            Assert.Equal("listWatch", Assert.Throws<ArgumentNullException>(() => ListPager.EnumerateAsync<V1Pod, V1PodList>(null!)).ParamName);
            Assert.Equal("pageSize", Assert.Throws<ArgumentOutOfRangeException>(() => ListPager.PagesAsync(pods, pageSize: 0)).ParamName);
            Assert.Equal("pageSize", Assert.Throws<ArgumentOutOfRangeException>(() => ListPager.EnumerateAsync(pods, pageSize: -1)).ParamName);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ListPager.ListAllAsync(pods, pageSize: 0));
            Assert.Empty(server.Requests);
        }
    }
}
