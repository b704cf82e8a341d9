using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Time.Testing;
using Resilience.Kubernetes.Testing;
using Xunit;
using static Resilience.Kubernetes.Tests.TestKit;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>
    /// <see cref="RateLimitingHandler"/> on the real KubernetesClient's handler chain against the loopback API server:
    /// the token bucket (client-go's 5 QPS, burst 10) per client, and the server's Retry-After on 429 and 5xx.
    /// </summary>
    public class RateLimitingHandlerTests
    {
        private static int Count(FakeApiServer server, string ns) => server.Requests.Count(r => r.Namespace == ns);

        [Fact]
        public async Task Each_of_N_clients_sends_its_burst_then_5_per_second_and_no_more()
        {
            const int Clients = 3;
            const int PerClient = 22;
            await using var server = await FakeApiServer.StartAsync();
            var created = DateTimeOffset.UtcNow;
            var handlers = Enumerable.Range(0, Clients).Select(_ => new RateLimitingHandler()).ToArray();
            var clients = handlers.Select(h => server.CreateClient(h)).ToArray();
            try
            {
                // Every client fires all its requests at once, as a hot loop on every node would.
                var calls = clients.SelectMany((client, i) => Enumerable.Range(0, PerClient)
                    .Select(_ => client.CoreV1.ListNamespacedPodAsync("ns-" + i, cancellationToken: Timeout(30)))).ToArray();
                await Task.WhenAll(calls);

                for (int i = 0; i < Clients; i++)
                {
                    var arrivals = server.Requests.Where(r => r.Namespace == "ns-" + i).Select(r => r.Received).OrderBy(t => t).ToArray();
                    Assert.Equal(PerClient, arrivals.Length);
                    // The token bucket's promise, per client: the (10 + m)-th request needs m tokens, one every 200 ms since
                    // the bucket was made (less 30 ms for the clocks' granularity).
                    for (int m = 1; 10 + m - 1 < arrivals.Length; m++)
                    {
                        var earliest = created + TimeSpan.FromMilliseconds(200 * m - 30);
                        Assert.True(arrivals[10 + m - 1] >= earliest, $"client {i}: request {10 + m} arrived {(arrivals[10 + m - 1] - created).TotalMilliseconds:F0} ms after the bucket was made, before {200 * m} ms");
                    }
                }

                // The N clients together: N × (burst + 5/s), not N × what the server can answer.
                Assert.All(handlers, h => Assert.InRange(h.ThrottledRequests, PerClient - 15, PerClient - 10));
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }
            }
        }

        [Fact]
        public async Task On_the_system_clock_20_requests_take_the_2_seconds_the_bucket_allows_and_an_unlimited_client_does_not_wait()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var limited = server.CreateClient(new RateLimitingHandler());
            using var unlimited = server.CreateClient();

            var watch = Stopwatch.StartNew();
            for (int i = 0; i < 20; i++)
            {
                await limited.CoreV1.ListNamespacedPodAsync("limited", cancellationToken: Timeout());
            }

            // 10 from the burst, 10 at 5 per second: at least 2 s (less 10 % for timer granularity).
            Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.8), $"20 requests took {watch.Elapsed}");

            watch.Restart();
            for (int i = 0; i < 20; i++)
            {
                await unlimited.CoreV1.ListNamespacedPodAsync("unlimited", cancellationToken: Timeout());
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.8), $"without the handler 20 requests took {watch.Elapsed}");
        }

        [Fact]
        public async Task A_429_is_retried_after_the_servers_Retry_After_and_not_before()
        {
            await using var server = await FakeApiServer.StartAsync();
            var clock = new FakeTimeProvider();
            var handler = new RateLimitingHandler(new RateLimitingOptions { TimeProvider = clock });
            using var client = server.CreateClient(handler);
            server.FailNext(r => r.Namespace == "apps", 429, times: 2, retryAfterSeconds: 1);

            var call = client.CoreV1.ListNamespacedPodAsync("apps", cancellationToken: Timeout(30));
            await Eventually(() => Count(server, "apps") == 1, "the first attempt");
            await Task.Delay(300);
            Assert.Equal(1, Count(server, "apps")); // waits for the server's 1 s

            clock.Advance(TimeSpan.FromSeconds(1));
            await Eventually(() => Count(server, "apps") == 2, "the retry after 1 s");
            await Task.Delay(300);
            Assert.Equal(2, Count(server, "apps"));

            clock.Advance(TimeSpan.FromSeconds(1));
            await call;
            Assert.Equal(new[] { 429, 429, 200 }, server.Requests.Where(r => r.Namespace == "apps").Select(r => r.StatusCode));
            Assert.Equal(2, handler.Retries);
        }

        [Fact]
        public async Task A_5xx_with_Retry_After_is_retried_too_and_one_without_it_is_returned_at_once()
        {
            await using var server = await FakeApiServer.StartAsync();
            var handler = new RateLimitingHandler();
            using var client = server.CreateClient(handler);

            server.FailNext(r => r.Namespace == "a", 503, times: 1, retryAfterSeconds: 0);
            await client.CoreV1.ListNamespacedPodAsync("a", cancellationToken: Timeout());
            Assert.Equal(2, Count(server, "a"));

            server.FailNext(r => r.Namespace == "b", 429, times: 1);
            var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedPodAsync("b", cancellationToken: Timeout()));
            Assert.Equal(HttpStatusCode.TooManyRequests, error.Response.StatusCode);
            Assert.Equal(1, Count(server, "b"));
            Assert.Equal(1, handler.Retries);
        }

        [Fact]
        public async Task Retries_stop_after_MaxRetries_and_the_last_429_reaches_the_caller()
        {
            await using var server = await FakeApiServer.StartAsync();
            using var client = server.CreateClient(new RateLimitingHandler(new RateLimitingOptions { MaxRetries = 2 }));
            server.FailNext(r => r.Namespace == "apps", 429, times: 10, retryAfterSeconds: 0);

            var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedPodAsync("apps", cancellationToken: Timeout()));
            Assert.Equal(HttpStatusCode.TooManyRequests, error.Response.StatusCode);
            Assert.Equal(3, Count(server, "apps"));
        }

        [Fact]
        public void Parses_Retry_After_as_seconds_or_a_date_and_only_on_429_and_5xx()
        {
            var now = new DateTimeOffset(2024, 12, 11, 23, 16, 0, TimeSpan.Zero);
            Assert.Equal(TimeSpan.FromSeconds(3), RateLimitingHandler.ServerAskedToWait(Response(429, "3"), now));
            Assert.Equal(TimeSpan.FromSeconds(5), RateLimitingHandler.ServerAskedToWait(Response(503, now.AddSeconds(5).ToString("R")), now));
            Assert.Equal(TimeSpan.Zero, RateLimitingHandler.ServerAskedToWait(Response(500, now.AddSeconds(-5).ToString("R")), now));
            Assert.Null(RateLimitingHandler.ServerAskedToWait(Response(429, null), now));
            Assert.Null(RateLimitingHandler.ServerAskedToWait(Response(409, "1"), now));
            Assert.Null(RateLimitingHandler.ServerAskedToWait(Response(200, "1"), now));

            static System.Net.Http.HttpResponseMessage Response(int status, string? retryAfter)
            {
                var response = new System.Net.Http.HttpResponseMessage((HttpStatusCode)status);
                if (retryAfter != null)
                {
                    response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
                }

                return response;
            }
        }

        [Theory]
        [InlineData(0.0, 10, 10, "QueriesPerSecond")]
        [InlineData(double.NaN, 10, 10, "QueriesPerSecond")]
        [InlineData(double.PositiveInfinity, 10, 10, "QueriesPerSecond")]
        [InlineData(5.0, 0, 10, "Burst")]
        [InlineData(5.0, 10, -1, "MaxRetries")]
        public void Bad_options_are_rejected_by_name(double qps, int burst, int maxRetries, string option)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitingHandler(new RateLimitingOptions { QueriesPerSecond = qps, Burst = burst, MaxRetries = maxRetries }));
            Assert.Equal(option, error.ParamName);
            Assert.Contains("client-go", error.Message, StringComparison.Ordinal);
        }
    }
}
