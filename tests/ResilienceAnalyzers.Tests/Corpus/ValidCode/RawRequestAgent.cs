// ValidCode: a per-node agent that talks to the API server with a plain HttpClient the way the rules ask: one paged,
// node-scoped list, then a watch that resumes from the last resourceVersion with jittered backoff, and kubectl reads by
// name. Every analyzer must stay silent here.
using System;
using System.Diagnostics;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Resilience.Dns;

namespace ValidCode
{
    public sealed class RawRequestAgent
    {
        private readonly string nodeName = Environment.GetEnvironmentVariable("NODE_NAME") ?? "";
        private readonly HttpClient http = new HttpClient(new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver)) { BaseAddress = new Uri("https://kubernetes.default.svc") };
        private string resourceVersion = "";

        public async Task RunAsync(CancellationToken ct)
        {
            string first = await http.GetStringAsync("/api/v1/pods?limit=500&fieldSelector=spec.nodeName%3D" + nodeName, ct);
            resourceVersion = JsonDocument.Parse(first).RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "";
            int failures = 0;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    string uri = $"/api/v1/pods?watch=true&allowWatchBookmarks=true&fieldSelector=spec.nodeName%3D{nodeName}&resourceVersion={resourceVersion}";
                    using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
                    await response.Content.ReadAsStringAsync(ct);
                    failures = 0;
                }
                catch (HttpRequestException)
                {
                    failures++;
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(30_000, 800 * Math.Pow(2, failures)))), ct);
                }
            }
        }

        public string Describe(string pod)
        {
            using var kubectl = Process.Start(new ProcessStartInfo("kubectl", "get pod " + pod + " -o json") { RedirectStandardOutput = true });
            return kubectl?.StandardOutput.ReadToEnd() ?? "";
        }
    }
}
