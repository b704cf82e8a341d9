using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Resilience.Kubernetes.Hosting;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests.Hosting
{
    public class HostingTests
    {
        [Fact]
        public async Task NHandlersOnOneKindAndScopeShareOneListAndOneWatchStartedAndStoppedWithTheHost()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 3);
            const int handlers = 4;
            using var host = TestHost.Build(server, o => o.NodeName = "node-1", b => b.AddNodePods());
            var factory = host.Services.GetRequiredService<SharedInformerFactory>();
            var components = Enumerable.Range(0, handlers).Select(_ => new PodComponent(factory)).ToArray();

            await host.StartAsync(Timeout());
            await factory.WaitForSyncAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");
            server.Upsert(FakeApiServer.Pod("ns-0", "new-on-node-1", "node-1"));
            server.Upsert(FakeApiServer.Pod("ns-0", "new-on-node-0", "node-0"));
            await Eventually(() => components.All(c => c.Seen.Contains("new-on-node-1")), "every handler sees the new pod");

            Assert.All(components, c => Assert.Equal(new[] { "pod-1-0", "pod-1-1", "pod-1-2", "new-on-node-1" }, c.Seen.ToArray()));
            Assert.Single(factory.Informers);
            Assert.Same(factory.NodePods(), components[0].Informer);
            var list = Assert.Single(server.Lists);
            var watch = Assert.Single(server.Watches);
            Assert.Equal("spec.nodeName=node-1", list.FieldSelector);
            Assert.Equal("spec.nodeName=node-1", watch.FieldSelector);

            await host.StopAsync(Timeout());

            await Eventually(() => server.ActiveWatchCount == 0, "the host's stop closes the watch");
            Assert.Equal("client", server.Watches.Single().CloseReason);
            Assert.Throws<ObjectDisposedException>(() => factory.Pods("other"));
        }

        [Fact]
        public async Task DifferentScopesAreDifferentInformersAndTheSameScopeWithAnotherTypeIsRefused()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 3);
            using var host = TestHost.Build(server, _ => { });
            var factory = host.Services.GetRequiredService<SharedInformerFactory>();
            await host.StartAsync(Timeout());

            var all = factory.Pods();
            var ns0 = factory.Pods("ns-0");
            var web = factory.Pods(labelSelector: "app=web");
            Assert.Same(all, factory.Pods(null, "", ""));
            Assert.NotSame(all, ns0);
            Assert.NotSame(all, web);
            Assert.Throws<InvalidOperationException>(() => factory.GetOrCreate(new InformerKey("pods", null, null, null), () => ListWatch.ForNodes(host.Services.GetRequiredService<k8s.IKubernetes>())));
            await factory.WaitForSyncAsync(Timeout()); // created after Start: started at once
            Assert.Equal(new[] { 3, 1, 2 }, new[] { all.Count, ns0.Count, web.Count });
            Assert.Equal(3, server.Lists.Count);
            await host.StopAsync(Timeout());
        }

        [Fact]
        public async Task TheNodeNameComesFromTheDownwardApiEnvironmentVariable()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 3, podsPerNode: 1);
            var variable = "RK_TEST_NODE_NAME_" + Guid.NewGuid().ToString("N"); // a name no other test reads
            Environment.SetEnvironmentVariable(variable, "node-2");
            try
            {
                using var host = TestHost.Build(server, o => o.NodeNameEnvironmentVariable = variable, b => b.AddOwnNode());
                var factory = host.Services.GetRequiredService<SharedInformerFactory>();

                await host.StartAsync(Timeout());
                await factory.WaitForSyncAsync(Timeout());

                Assert.Equal("node-2", factory.NodeName);
                Assert.Equal("node-2", Assert.Single(factory.OwnNode().Items).Metadata.Name);
                Assert.Equal("metadata.name=node-2", Assert.Single(server.Lists).FieldSelector);
                await host.StopAsync(Timeout());
            }
            finally
            {
                Environment.SetEnvironmentVariable(variable, null);
            }
        }

        [Fact]
        public async Task StartFailsWithoutANodeNameWhenANodeScopedInformerIsRegisteredAndSendsNothing()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var host = TestHost.Build(server, o => o.NodeNameEnvironmentVariable = "RK_TEST_UNSET_" + Guid.NewGuid().ToString("N"), b => b.AddNodePods());

            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Timeout()));

            Assert.Contains("node name is unknown", error.Message, StringComparison.Ordinal);
            Assert.Empty(server.Requests);
        }

        [Fact]
        public async Task InvalidInformerDefaultsFailAtStart()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var host = TestHost.Build(server, o =>
            {
                o.Informer.PageSize = 0;
                o.Informer.FieldSelector = "spec.nodeName=x";
            });

            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Timeout()));

            Assert.Equal(2, error.Failures.Count());
        }

        [Fact]
        public async Task ReadinessIsUnhealthyUntilSyncedThenHealthyThenDegradedWhileBackingOffWithTheReasonInItsData()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 1, podsPerNode: 2);
            server.FailNext(r => r.Verb == "list", 500);
            var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
            using var host = TestHost.Build(server, o =>
            {
                o.Informer = FastOptions();
                o.Informer.TimeProvider = clock;
            }, b => b.AddPods());
            var factory = host.Services.GetRequiredService<SharedInformerFactory>();
            var health = host.Services.GetRequiredService<HealthCheckService>();
            await host.StartAsync(Timeout());
            var pods = factory.Pods();

            await Eventually(() => pods.CurrentBackoff is not null, "the failed list backs off");
            var entry = (await health.CheckHealthAsync(Timeout())).Entries["kubernetes-informers"];
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.StartsWith("not synced, backing off", (string)entry.Data["pods"], StringComparison.Ordinal);
            Assert.Contains("500", (string)entry.Data["pods"], StringComparison.Ordinal);

            clock.Advance(TimeSpan.FromSeconds(1)); // past the 5 ms backoff (10 ms ceiling × jitter 0.5)
            await pods.WaitForSyncAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 1, "the watch is open");
            entry = (await health.CheckHealthAsync(Timeout())).Entries["kubernetes-informers"];
            Assert.Equal(HealthStatus.Healthy, entry.Status);
            Assert.Equal("synced", entry.Data["pods"]);

            server.FailNext(r => r.Verb == "watch", 503, times: int.MaxValue);
            server.DropWatches();
            await Eventually(() => pods.CurrentBackoff is not null, "the dropped watch backs off");
            entry = (await health.CheckHealthAsync(Timeout())).Entries["kubernetes-informers"];
            Assert.Equal(HealthStatus.Degraded, entry.Status);
            Assert.StartsWith("synced, backing off", (string)entry.Data["pods"], StringComparison.Ordinal);
            Assert.Contains("ready", TestHost.Tags(host));
            await host.StopAsync(Timeout());
        }

        private sealed class PodComponent
        {
            public PodComponent(SharedInformerFactory factory)
            {
                Informer = factory.NodePods();
                Informer.Added += p => Seen.Enqueue(p.Metadata.Name);
            }

            public Informer<V1Pod, V1PodList> Informer { get; }

            public ConcurrentQueue<string> Seen { get; } = new();
        }
    }
}
