using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NodeAgentWorker;
using Resilience.Kubernetes.Hosting;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests.Hosting
{
    /// <summary>samples/NodeAgentWorker's host, configured as a user runs it (command line), against the loopback API server.</summary>
    public class NodeAgentWorkerTests
    {
        [Fact]
        public async Task TheSampleAgentIsUnreadyUntilItsSharedInformersSyncThenReadyWithItsNodesPodsAndMetrics()
        {
            await using var server = await FakeApiServer.StartAsync();
            server.AddCluster(nodes: 2, podsPerNode: 3);
            server.FailNext(r => r.Resource == "pods", 503, times: int.MaxValue); // the API server does not serve pods yet
            await using var app = NodeAgent.Build(new[]
            {
                "--urls=http://127.0.0.1:0",
                "--Kubernetes:Host=" + server.Url,
                "--KubernetesInformers:NodeName=node-1",
                "--Logging:LogLevel:Default=Warning",
            });
            await app.StartAsync(Timeout());
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };

            await Eventually(() => server.Requests.Count(r => r.Resource == "pods" && r.StatusCode == 503) >= 1, "the agent asked for its pods");
            var unready = await http.GetAsync(NodeAgent.ReadyPath);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
            Assert.Equal("Unhealthy", await unready.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(NodeAgent.LivePath)).StatusCode);

            server.ClearFaults();
            var sw = Stopwatch.StartNew();
            string ready;
            while ((ready = await http.GetStringAsyncOrStatus(NodeAgent.ReadyPath)) != "Healthy")
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), "readiness stayed " + ready);
                await Task.Delay(50);
            }

            var factory = app.Services.GetRequiredService<SharedInformerFactory>();
            Assert.Equal(new[] { "pod-1-0", "pod-1-1", "pod-1-2" }, factory.NodePods().Items.Select(p => p.Metadata.Name).ToArray());
            Assert.Equal("node-1", Assert.Single(factory.OwnNode().Items).Metadata.Name);
            Assert.Equal(2, factory.Informers.Count); // the worker asked the factory for the registered informers: shared
            await Eventually(() => server.ActiveWatchCount == 2, "one watch for the node's pods, one for the node");
            Assert.Equal(new[] { "nodes", "pods" }, server.ActiveWatches.Select(w => w.Resource).OrderBy(r => r).ToArray());

            // The informers' meter comes from the host's IMeterFactory (what the sample's OpenTelemetry exporter reads).
            var storeSizes = new ConcurrentDictionary<string, int>(); // the store size is observed as int
            var meterFactory = app.Services.GetRequiredService<IMeterFactory>();
            using var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == InformerMetrics.MeterName && instrument.Meter.Scope == meterFactory && instrument.Name == "k8s.informer.store.size")
                        l.EnableMeasurementEvents(instrument);
                },
            };
            listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "k8s.informer.resource") storeSizes[(string)tag.Value!] = value;
                }
            });
            listener.Start();
            listener.RecordObservableInstruments();
            Assert.Equal(3, storeSizes["pods"]);
            Assert.Equal(1, storeSizes["nodes"]);

            await app.StopAsync(Timeout());
            await Eventually(() => server.ActiveWatchCount == 0, "stopping the host closes the watches");
        }
    }

    internal static class HttpClientExtensions
    {
        /// <summary>The body of a health endpoint (it is "Unhealthy" with a 503), or the status code when there is none.</summary>
        public static async Task<string> GetStringAsyncOrStatus(this HttpClient http, string path)
        {
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            return body.Length > 0 ? body : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
