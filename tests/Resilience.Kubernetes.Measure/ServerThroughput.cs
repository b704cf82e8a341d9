using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using k8s;
using Resilience.Kubernetes.Testing;

namespace Resilience.Kubernetes.Measure
{
    /// <summary>
    /// How large a seeded cluster a test can afford on this machine: the loopback API server's seeding rate, LIST
    /// throughput (objects per second: the raw JSON body, the same read into V1PodList by KubernetesClient, a Table as
    /// kubectl asks for it, and paged by 500) and watch throughput (events per second to 1 and to 10 raw watch streams,
    /// from opening them to the last event read). Each figure is the median of its rounds after one untimed run.
    /// </summary>
    internal static class ServerThroughput
    {
        public static async Task RunAsync(IReadOnlyList<int> sizes, int rounds, int events, Action<string> log)
        {
            Console.WriteLine("| pods | seeding (objects/s) | LIST raw JSON (objects/s) | LIST into V1PodList (objects/s) | LIST as Table (objects/s) | paged LIST, 500/page (objects/s) | watch events/s, 1 watch | watch events/s, 10 watches (total) |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var pods in sizes)
            {
                await using var server = await FakeApiServer.StartAsync().ConfigureAwait(false);
                var seeding = Stopwatch.StartNew();
                server.AddCluster(nodes: pods / 30, podsPerNode: 30);
                var seeded = server.Count("pods") + server.Count("nodes");
                var seedRate = seeded / seeding.Elapsed.TotalSeconds;
                log($"{pods} pods seeded in {seeding.Elapsed.TotalSeconds:F1} s");
                using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(10) };
                using var client = server.CreateClient();
                var count = server.Count("pods");

                var raw = await Median(rounds, async () =>
                {
                    using var response = await http.GetAsync("/api/v1/pods", HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                    await (await response.Content.ReadAsStreamAsync().ConfigureAwait(false)).CopyToAsync(Stream.Null).ConfigureAwait(false);
                }).ConfigureAwait(false);
                var typed = await Median(rounds, () => client.CoreV1.ListPodForAllNamespacesAsync()).ConfigureAwait(false);
                var table = await Median(rounds, async () =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/pods");
                    request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                    await (await response.Content.ReadAsStreamAsync().ConfigureAwait(false)).CopyToAsync(Stream.Null).ConfigureAwait(false);
                }).ConfigureAwait(false);
                var paged = await Median(rounds, async () =>
                {
                    string? token = null;
                    do
                    {
                        var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 500, continueParameter: token).ConfigureAwait(false);
                        token = page.Metadata.ContinueProperty;
                    }
                    while (!string.IsNullOrEmpty(token));
                }).ConfigureAwait(false);
                log($"{pods}: lists measured");
                var one = await Median(rounds, () => WatchAsync(server, http, watches: 1, events)).ConfigureAwait(false);
                var ten = await Median(rounds, () => WatchAsync(server, http, watches: 10, events)).ConfigureAwait(false);
                log($"{pods}: watches measured");

                Console.WriteLine(FormattableString.Invariant(
                    $"| {count:N0} | {seedRate:N0} | {count / raw:N0} | {count / typed:N0} | {count / table:N0} | {count / paged:N0} | {events / one:N0} | {10 * events / ten:N0} |"));
            }
        }

        // Median seconds of an action over the rounds, after one run that is not timed (JIT, connections).
        private static async Task<double> Median(int rounds, Func<Task> action)
        {
            await action().ConfigureAwait(false);
            var seconds = new List<double>();
            for (var i = 0; i < rounds; i++)
            {
                var watch = Stopwatch.StartNew();
                await action().ConfigureAwait(false);
                seconds.Add(watch.Elapsed.TotalSeconds);
            }

            seconds.Sort();
            return seconds[seconds.Count / 2];
        }

        // Seconds from the first of `events` pod updates until every one of `watches` raw watch streams has read them all.
        private static async Task WatchAsync(FakeApiServer server, HttpClient http, int watches, int events)
        {
            var rv = server.CurrentResourceVersion;
            var streams = new List<(HttpResponseMessage Response, StreamReader Reader)>();
            for (var w = 0; w < watches; w++)
            {
                var response = await http.GetAsync($"/api/v1/namespaces/ns-0/pods?watch=true&resourceVersion={rv}", HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                streams.Add((response, new StreamReader(await response.Content.ReadAsStreamAsync().ConfigureAwait(false))));
            }

            while (server.ActiveWatchCount < watches) await Task.Delay(1).ConfigureAwait(false);
            var readers = streams.Select(s => Task.Run(async () =>
            {
                for (var i = 0; i < events; i++) await s.Reader.ReadLineAsync().ConfigureAwait(false);
            })).ToArray();
            var pod = FakeApiServer.Pod("ns-0", "churn", "node-0");
            for (var i = 0; i < events; i++)
            {
                pod.Metadata.Labels = new Dictionary<string, string> { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                server.Upsert(pod);
            }

            await Task.WhenAll(readers).ConfigureAwait(false);
            foreach (var (response, reader) in streams)
            {
                reader.Dispose();
                response.Dispose();
            }
        }
    }
}
