// ValidCode: ordinary service code with loops, timers, retries and HTTP — nothing Kubernetes or DNS about it.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ValidCode
{
    public sealed class OrdersService
    {
        // Injected (a typed client): where it is created, RES2004 judges its DNS path (RES2004's own tests).
        private readonly HttpClient http;
        private readonly ConcurrentDictionary<string, decimal> prices = new ConcurrentDictionary<string, decimal>();
        private Timer? timer;

        public OrdersService(HttpClient http) => this.http = http;

        public void Start() => timer = new Timer(_ => prices.Clear(), null, TimeSpan.Zero, TimeSpan.FromMinutes(5));

        public async Task<string> FetchWithRetryAsync(Uri uri, CancellationToken ct)
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    return await http.GetStringAsync(uri, ct);
                }
                catch (HttpRequestException) when (attempt < 3)
                {
                    await Task.Delay(1000, ct);
                }
            }
        }

        public IEnumerable<(string Sku, decimal Total)> Totals(IEnumerable<(string Sku, int Quantity)> lines)
            => lines.GroupBy(l => l.Sku).Select(g => (g.Key, g.Sum(l => l.Quantity) * prices.GetValueOrDefault(g.Key)));

        public async Task PollQueueAsync(Func<Task<bool>> drain, CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                if (!await drain())
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
        }

        public void Stop() => timer?.Dispose();
    }
}
