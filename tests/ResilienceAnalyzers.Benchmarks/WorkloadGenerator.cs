using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ResilienceAnalyzers.Benchmarks;

/// <summary>
/// Generates the sources of a service-sized project: mostly ordinary service code (HTTP, JSON, LINQ, async,
/// logging, caches), every fifth file a Kubernetes-client user written the right way (paged lists, resumed
/// watches, reads by name), and every twentieth file one written the easy way, which triggers each rule exactly
/// once. The counts the rules must report follow from the file count alone (<see cref="Expected"/>).
/// </summary>
public static class WorkloadGenerator
{
    /// <summary>Every <c>KubernetesEvery</c>-th file (offset 1) uses the client correctly: silent.</summary>
    public const int KubernetesEvery = 5;

    /// <summary>Every <c>TriggerEvery</c>-th file (offset 7) holds one flagged call per rule.</summary>
    public const int TriggerEvery = 20;

    /// <summary>The generated files' folder: <see cref="WorkloadOptions"/> configures it as a 3-replica Deployment.</summary>
    public const string Folder = "Generated/";

    public static IEnumerable<(string Path, string Text)> Files(int count)
    {
        for (int i = 0; i < count; i++)
        {
            string path = Folder + "Module" + (i / 25).ToString("D2", CultureInfo.InvariantCulture) + "/File" + i.ToString("D3", CultureInfo.InvariantCulture) + ".cs";
            yield return (path, File(i));
        }
    }

    /// <summary>How many generated files hold the flagged calls.</summary>
    public static int TriggerFiles(int count)
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (i % TriggerEvery == 7)
            {
                n++;
            }
        }

        return n;
    }

    private static string File(int i)
    {
        var s = new StringBuilder(8_000);
        string ns = "Contoso.Fleet.Module" + (i / 25).ToString("D2", CultureInfo.InvariantCulture);
        s.Append("""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Globalization;
            using System.Linq;
            using System.Net;
            using System.Net.Http;
            using System.Net.Sockets;
            using System.Text;
            using System.Text.Json;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Logging;

            """);
        if (i % KubernetesEvery == 1 || i % TriggerEvery == 7)
        {
            s.Append("using k8s;\nusing k8s.Models;\n");
        }

        if (i % TriggerEvery == 7)
        {
            s.Append("using DnsClient;\n");
        }

        s.Append("\nnamespace ").Append(ns).Append(";\n\n");
        s.Append(Service(i));
        if (i % KubernetesEvery == 1)
        {
            s.Append(KubernetesDoneRight(i));
        }

        if (i % TriggerEvery == 7)
        {
            s.Append(Triggers(i));
        }

        return s.ToString();
    }

    /// <summary>Ordinary service code: about 60 invocations, none of them a Kubernetes or DNS call that matters.</summary>
    private static string Service(int i) => $$"""
        public sealed record Order{{i}}(string Id, string Customer, decimal Amount, DateTimeOffset PlacedAt, IReadOnlyList<string> Tags);

        public sealed record OrderSummary{{i}}(string Customer, int Count, decimal Total, decimal Average);

        public sealed class OrderService{{i}}
        {
            private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
            private readonly HttpClient http;
            private readonly ILogger<OrderService{{i}}> logger;
            private readonly ConcurrentDictionary<string, Order{{i}}> cache = new(StringComparer.Ordinal);
            private long requests;

            public OrderService{{i}}(HttpClient http, ILogger<OrderService{{i}}> logger)
            {
                this.http = http ?? throw new ArgumentNullException(nameof(http));
                this.logger = logger;
            }

            public async Task<IReadOnlyList<Order{{i}}>> GetOrdersAsync(string customer, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref requests);
                using var response = await http.GetAsync("api/orders?customer=" + Uri.EscapeDataString(customer), cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var orders = JsonSerializer.Deserialize<List<Order{{i}}>>(body, Json) ?? new List<Order{{i}}>();
                logger.LogInformation("Fetched {Count} orders for {Customer}", orders.Count, customer);
                foreach (var order in orders)
                {
                    cache.AddOrUpdate(order.Id, order, (_, _) => order);
                }

                return orders.Where(o => o.Amount > 0).OrderByDescending(o => o.PlacedAt).ThenBy(o => o.Id, StringComparer.Ordinal).ToList();
            }

            public IReadOnlyList<OrderSummary{{i}}> Summarize(IEnumerable<Order{{i}}> orders)
            {
                return orders
                    .GroupBy(o => o.Customer, StringComparer.OrdinalIgnoreCase)
                    .Select(g => new OrderSummary{{i}}(g.Key, g.Count(), g.Sum(o => o.Amount), g.Average(o => o.Amount)))
                    .OrderByDescending(s => s.Total)
                    .Take(50)
                    .ToList();
            }

            public string Describe(IReadOnlyList<OrderSummary{{i}}> summaries)
            {
                var text = new StringBuilder();
                foreach (var summary in summaries)
                {
                    text.Append(summary.Customer).Append(": ").Append(summary.Count.ToString(CultureInfo.InvariantCulture))
                        .Append(" orders, ").Append(summary.Total.ToString("N2", CultureInfo.InvariantCulture)).AppendLine();
                }

                string tags = string.Join(",", summaries.Select(s => s.Customer.ToUpperInvariant()).Distinct().OrderBy(t => t, StringComparer.Ordinal));
                return string.Format(CultureInfo.InvariantCulture, "{0} customers ({1}){2}{3}", summaries.Count, tags, Environment.NewLine, text.ToString().TrimEnd());
            }

            public bool TryValidate(Order{{i}} order, out string? error)
            {
                error = null;
                if (string.IsNullOrWhiteSpace(order.Id) || order.Id.Length > 64)
                {
                    error = "invalid id";
                }
                else if (order.Amount < 0 || Math.Round(order.Amount, 2) != order.Amount)
                {
                    error = "invalid amount " + order.Amount.ToString(CultureInfo.InvariantCulture);
                }
                else if (order.Tags.Any(t => t.Contains(' ', StringComparison.Ordinal)) || order.PlacedAt > DateTimeOffset.UtcNow.AddMinutes(5))
                {
                    error = "invalid tags or date";
                }

                if (error != null)
                {
                    logger.LogWarning("Order {Id} rejected: {Error}", order.Id, error);
                }

                return error == null;
            }

            public async Task<bool> SubmitAsync(Order{{i}} order, CancellationToken cancellationToken)
            {
                if (!TryValidate(order, out _))
                {
                    return false;
                }

                for (int attempt = 1; attempt <= 3; attempt++)
                {
                    try
                    {
                        using var content = new StringContent(JsonSerializer.Serialize(order, Json), Encoding.UTF8, "application/json");
                        using var response = await http.PostAsync("api/orders", content, cancellationToken).ConfigureAwait(false);
                        if (response.StatusCode == HttpStatusCode.Conflict)
                        {
                            return false;
                        }

                        response.EnsureSuccessStatusCode();
                        return true;
                    }
                    catch (HttpRequestException e) when (attempt < 3)
                    {
                        logger.LogDebug(e, "Attempt {Attempt} failed", attempt);
                        await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt) + Random.Shared.Next(0, 100)), cancellationToken).ConfigureAwait(false);
                    }
                }

                return false;
            }

            public Order{{i}}? Cached(string id) => cache.TryGetValue(id, out var order) ? order : null;

            public IDictionary<string, decimal> Totals() => cache.Values.ToLookup(o => o.Customer).ToDictionary(g => g.Key, g => g.Sum(o => o.Amount));

            public async Task<string> LocalEndpointAsync()
            {
                IPAddress[] local = await Dns.GetHostAddressesAsync("localhost").ConfigureAwait(false);
                return Dns.GetHostName() + "/" + local.FirstOrDefault()?.ToString() + "#" + Interlocked.Read(ref requests).ToString(CultureInfo.InvariantCulture);
            }
        }


        """;

    /// <summary>Kubernetes-client code written the right way: paged lists, a resumed watch, reads by name. Silent.</summary>
    private static string KubernetesDoneRight(int i) => $$"""
        public sealed class InventoryReconciler{{i}}
        {
            private readonly IKubernetes client;
            private readonly ILogger logger;
            private readonly ConcurrentDictionary<string, V1Pod> pods = new(StringComparer.Ordinal);

            public InventoryReconciler{{i}}(IKubernetes client, ILogger logger)
            {
                this.client = client;
                this.logger = logger;
            }

            public async Task<string?> ListAllAsync(string ns, CancellationToken cancellationToken)
            {
                string? token = null;
                string? version = null;
                do
                {
                    V1PodList page = await client.CoreV1.ListNamespacedPodAsync(ns, limit: 500, continueParameter: token, cancellationToken: cancellationToken).ConfigureAwait(false);
                    foreach (var pod in page.Items.Where(p => p.Status?.Phase == "Running"))
                    {
                        pods[pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name] = pod;
                    }

                    token = page.Metadata.ContinueProperty;
                    version = page.Metadata.ResourceVersion;
                }
                while (!string.IsNullOrEmpty(token));

                logger.LogInformation("Listed {Count} pods in {Namespace}", pods.Count, ns);
                return version;
            }

            public async Task WatchAsync(string ns, string resourceVersion, CancellationToken cancellationToken)
            {
                await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: resourceVersion, allowWatchBookmarks: true, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    string key = pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name;
                    if (type == WatchEventType.Deleted)
                    {
                        pods.TryRemove(key, out _);
                    }
                    else
                    {
                        pods[key] = pod;
                    }
                }
            }

            public async Task<IReadOnlyDictionary<string, string>> SettingsAsync(string ns, CancellationToken cancellationToken)
            {
                V1ConfigMap map = await client.CoreV1.ReadNamespacedConfigMapAsync("settings-{{i}}", ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                V1Deployment deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("service-{{i}}", ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                var settings = new Dictionary<string, string>(map.Data ?? new Dictionary<string, string>(), StringComparer.Ordinal)
                {
                    ["replicas"] = (deployment.Spec.Replicas ?? 1).ToString(CultureInfo.InvariantCulture),
                };
                return settings;
            }
        }


        """;

    /// <summary>
    /// One flagged call per rule, in the shapes the rules document: RES1001, RES1002 and RES1003 on the polling
    /// list; RES1004 on the watch restarted by a loop; RES1005 on the fixed-delay retry; RES2001 on the lookup
    /// before a connect; RES2002 on the DnsClient query; RES2003 on the host-name TcpClient.
    /// </summary>
    private static string Triggers(int i) => $$"""
        public sealed class LegacyPoller{{i}}
        {
            private readonly IKubernetes client;
            private readonly ILookupClient lookup;
            private readonly ILogger logger;
            private int running;

            public LegacyPoller{{i}}(IKubernetes client, ILookupClient lookup, ILogger logger)
            {
                this.client = client;
                this.lookup = lookup;
                this.logger = logger;
            }

            public async Task PollAsync(CancellationToken cancellationToken)
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    V1PodList all = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    running = all.Items.Count(p => p.Status?.Phase == "Running");
                    logger.LogInformation("{Running} pods running", running);
                    await Task.Delay(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                }
            }

            public async Task<V1ConfigMap> RegisterAsync(string ns, CancellationToken cancellationToken)
            {
                while (true)
                {
                    try
                    {
                        return await client.CoreV1.ReadNamespacedConfigMapAsync("registration-{{i}}", ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                    catch (HttpRequestException e)
                    {
                        logger.LogWarning(e, "API server not reachable");
                        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            public async Task WatchSecretsAsync(string ns, CancellationToken cancellationToken)
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await foreach (var (type, secret) in client.CoreV1.WatchListNamespacedSecretAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false))
                    {
                        logger.LogInformation("{Type} {Name}", type, secret.Metadata.Name);
                    }
                }
            }

            public async Task SendAsync(byte[] payload, CancellationToken cancellationToken)
            {
                IPAddress[] addresses = await Dns.GetHostAddressesAsync("collector-{{i}}.monitoring.svc.cluster.local", cancellationToken).ConfigureAwait(false);
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(addresses, 4317, cancellationToken).ConfigureAwait(false);
                await socket.SendAsync(payload, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }

            public async Task<int> DatabaseRecordsAsync(CancellationToken cancellationToken)
            {
                var response = await lookup.QueryAsync("db-{{i}}.data.svc.cluster.local", QueryType.A, cancellationToken: cancellationToken).ConfigureAwait(false);
                return response.Answers.Count;
            }

            public bool Probe()
            {
                using var tcp = new TcpClient("metrics-{{i}}.monitoring.svc.cluster.local", 9090);
                return tcp.Connected;
            }
        }


        """;
}
