// Flagged: requests to the API server written without the client (a plain HttpClient with the service account's token,
// and kubectl run as a process), in a per-node agent. The robustness tests mutate this file token by token.
using System;
using System.Diagnostics;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Flagged
{
    public sealed class RawRequestPoller
    {
        private const string TokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";
        private readonly HttpClient http = new HttpClient { BaseAddress = new Uri("https://kubernetes.default.svc") };

        public async Task PollAsync(CancellationToken ct)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await System.IO.File.ReadAllTextAsync(TokenPath, ct));
            while (!ct.IsCancellationRequested)
            {
                string pods = await http.GetStringAsync("/api/v1/pods", ct);
                Console.WriteLine(pods.Length);
                await Task.Delay(TimeSpan.FromSeconds(20), ct);
            }
        }

        public async Task WatchEventsAsync(string ns, CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/events?watch=true");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                await response.Content.ReadAsStringAsync(ct);
            }
        }

        public void FollowNodes(CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                using var kubectl = Process.Start("kubectl", "get nodes --watch -o name");
                kubectl?.WaitForExit();
            }
        }
    }
}
