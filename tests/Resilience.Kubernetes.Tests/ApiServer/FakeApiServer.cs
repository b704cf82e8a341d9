using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Resilience.Kubernetes.Tests.ApiServer
{
    /// <summary>
    /// An in-process API server on 127.0.0.1:0 that speaks the list/watch protocol the real KubernetesClient uses, for
    /// pods (namespaced and all namespaces), nodes, services and one custom resource (example.com/v1 widgets), and
    /// answers a GET of one object by name (e.g. ReadNode). It records, per
    /// request, where facts.md's routing says it would be served (cache or etcd) and how many objects the server
    /// had to process, so tests can compare access patterns. Objects are serialized with <see cref="KubernetesJson"/>.
    /// </summary>
    public sealed class FakeApiServer : IAsyncDisposable
    {
        private static readonly ResourceType Pods = new("pods", "Pod", "PodList", "v1", "api/v1", Namespaced: true);
        private static readonly ResourceType Nodes = new("nodes", "Node", "NodeList", "v1", "api/v1", Namespaced: false);
        private static readonly ResourceType Services = new("services", "Service", "ServiceList", "v1", "api/v1", Namespaced: true);
        private static readonly ResourceType Widgets = new("widgets", "Widget", "WidgetList", "example.com/v1", "apis/example.com/v1", Namespaced: true);
        private static readonly ResourceType[] Types = { Pods, Nodes, Services, Widgets };

        private readonly object gate = new();
        private readonly Dictionary<(string Plural, string Key), Stored> objects = new();
        private readonly List<(long Rv, string Type, Stored Obj)> history = new();
        private readonly List<Watcher> watchers = new();
        private readonly List<RequestRecord> requests = new();
        private readonly List<Fault> faults = new();
        private readonly Dictionary<string, List<Stored>> sorted = new(StringComparer.Ordinal);
        private readonly WebApplication app;
        private long resourceVersion = 1000;
        private long compactedRv;
        private int tokenGeneration;
        private int nextId;

        private FakeApiServer(WebApplication app, string url)
        {
            this.app = app;
            Url = url;
        }

        /// <summary>Base URL, e.g. http://127.0.0.1:41234.</summary>
        public string Url { get; }

        /// <summary>Clock stamped on <see cref="RequestRecord.Received"/> (e.g. a test's fake clock). Default: the system clock.</summary>
        public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

        /// <summary>
        /// How a watch with <c>sendInitialEvents=true</c> is answered (KEP-3157). Default: supported, as by a
        /// kube-apiserver with the WatchList feature gate on.
        /// </summary>
        public WatchListSupport WatchList { get; set; } = WatchListSupport.Supported;

        /// <summary>When set, watches end after this long instead of their timeoutSeconds (graceful close).</summary>
        public TimeSpan? WatchTimeoutOverride { get; set; }

        /// <summary>The current resourceVersion (the last write's).</summary>
        public long CurrentResourceVersion
        {
            get { lock (gate) { return resourceVersion; } }
        }

        /// <summary>Open watch streams.</summary>
        public int ActiveWatchCount
        {
            get { lock (gate) { return watchers.Count; } }
        }

        /// <summary>The requests of the open watch streams.</summary>
        public IReadOnlyList<RequestRecord> ActiveWatches
        {
            get { lock (gate) { return watchers.Select(w => w.Record).ToArray(); } }
        }

        /// <summary>Snapshot of all requests so far.</summary>
        public IReadOnlyList<RequestRecord> Requests
        {
            get { lock (gate) { return requests.ToArray(); } }
        }

        /// <summary>LIST requests so far.</summary>
        public IReadOnlyList<RequestRecord> Lists => Requests.Where(r => r.Verb == "list").ToArray();

        /// <summary>WATCH requests so far.</summary>
        public IReadOnlyList<RequestRecord> Watches => Requests.Where(r => r.Verb == "watch").ToArray();

        /// <summary>Sum of <see cref="RequestRecord.ObjectsProcessed"/> over LIST requests.</summary>
        public long ListObjectsProcessed => Lists.Sum(r => r.ObjectsProcessed);

        /// <summary>Starts a server on a free loopback port.</summary>
        public static async Task<FakeApiServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
            var app = builder.Build();
            FakeApiServer? server = null;
            app.Run(ctx => server!.HandleAsync(ctx));
            await app.StartAsync().ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server = new FakeApiServer(app, address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            return server;
        }

        /// <summary>A real client pointed at this server.</summary>
        public k8s.Kubernetes CreateClient(params System.Net.Http.DelegatingHandler[] handlers) => new(new KubernetesClientConfiguration { Host = Url }, handlers);

        // ---------------------------------------------------------------- data

        /// <summary>A pod with the given node and labels.</summary>
        public static V1Pod Pod(string ns, string name, string? nodeName = null, IDictionary<string, string>? labels = null) => new()
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels, Uid = Guid.NewGuid().ToString() },
            Spec = new V1PodSpec { NodeName = nodeName, Containers = new List<V1Container> { new() { Name = "c", Image = "busybox" } } },
        };

        /// <summary>Creates or replaces a pod.</summary>
        public long Upsert(V1Pod pod) => Write(Pods, pod, pod.Spec?.NodeName, deleted: false);

        /// <summary>Creates or replaces a node.</summary>
        public long Upsert(V1Node node) => Write(Nodes, node, null, deleted: false);

        /// <summary>Creates or replaces a service.</summary>
        public long Upsert(V1Service service) => Write(Services, service, null, deleted: false);

        /// <summary>Creates or replaces a widget.</summary>
        public long Upsert(TestWidget widget) => Write(Widgets, widget, null, deleted: false);

        /// <summary>Adds <paramref name="podsPerNode"/> pods to each of <paramref name="nodes"/> nodes named node-0…; pods are spread over namespaces ns-0..ns-2.</summary>
        public void AddCluster(int nodes, int podsPerNode, bool addNodes = true)
        {
            for (var n = 0; n < nodes; n++)
            {
                if (addNodes) Upsert(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = "node-" + n } });
                for (var p = 0; p < podsPerNode; p++)
                {
                    Upsert(Pod("ns-" + (p % 3), $"pod-{n}-{p}", "node-" + n, new Dictionary<string, string> { ["app"] = p % 2 == 0 ? "web" : "db" }));
                }
            }
        }

        /// <summary>Deletes an object; returns false if it did not exist.</summary>
        public bool Delete(string plural, string? ns, string name)
        {
            var type = Types.First(t => t.Plural == plural);
            Stored? existing;
            lock (gate)
            {
                objects.TryGetValue((plural, Key(ns, name)), out existing);
            }

            if (existing is null) return false;
            Write(type, existing.Object, existing.NodeName, deleted: true);
            return true;
        }

        /// <summary>The stored objects of a resource as key (<c>namespace/name</c>) → (resourceVersion, spec.nodeName), for comparing a client's cache with the server.</summary>
        public IReadOnlyDictionary<string, (string ResourceVersion, string? NodeName)> Snapshot(string plural)
        {
            lock (gate)
            {
                return objects.Where(p => p.Key.Plural == plural)
                    .ToDictionary(p => p.Key.Key, p => (p.Value.Rv.ToString(CultureInfo.InvariantCulture), p.Value.NodeName), StringComparer.Ordinal);
            }
        }

        /// <summary>Number of stored objects of a resource.</summary>
        public int Count(string plural)
        {
            lock (gate) { return objects.Keys.Count(k => k.Plural == plural); }
        }

        private long Write(ResourceType type, IKubernetesObject<V1ObjectMeta> obj, string? nodeName, bool deleted)
        {
            lock (gate)
            {
                var rv = ++resourceVersion;
                obj.Metadata.ResourceVersion = rv.ToString(CultureInfo.InvariantCulture);
                var stored = new Stored(type, obj.Metadata.NamespaceProperty, obj.Metadata.Name, nodeName,
                    obj.Metadata.Labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(obj.Metadata.Labels),
                    rv, KubernetesJson.Serialize(obj), obj);
                var key = (type.Plural, Key(stored.Namespace, stored.Name));
                sorted.Remove(type.Plural);
                string eventType;
                if (deleted)
                {
                    objects.Remove(key);
                    eventType = "DELETED";
                }
                else
                {
                    eventType = objects.ContainsKey(key) ? "MODIFIED" : "ADDED";
                    objects[key] = stored;
                }

                history.Add((rv, eventType, stored));
                foreach (var w in watchers)
                {
                    if (w.Matches(stored)) w.SendObject(eventType, stored.Json);
                }

                return rv;
            }
        }

        // ---------------------------------------------------------------- faults and control

        /// <summary>The next <paramref name="times"/> requests matching <paramref name="match"/> get <paramref name="statusCode"/> (429 with Retry-After if given).</summary>
        public void FailNext(Func<RequestRecord, bool> match, int statusCode, int times = 1, int? retryAfterSeconds = null)
        {
            lock (gate) { faults.Add(new Fault(match, times, statusCode, retryAfterSeconds, null)); }
        }

        /// <summary>The next <paramref name="times"/> matching requests are delayed by <paramref name="delay"/> before being served.</summary>
        public void DelayNext(Func<RequestRecord, bool> match, TimeSpan delay, int times = 1)
        {
            lock (gate) { faults.Add(new Fault(match, times, null, null, delay)); }
        }

        /// <summary>When the next <paramref name="times"/> requests matching <paramref name="match"/> arrive, every continue token issued so far expires (before the request is served).</summary>
        public void ExpireContinueTokensOnNext(Func<RequestRecord, bool> match, int times = 1)
        {
            lock (gate) { faults.Add(new Fault(match, times, null, null, null) { ExpireTokens = true }); }
        }

        /// <summary>Faults armed but not yet consumed.</summary>
        public int PendingFaults
        {
            get { lock (gate) { return faults.Where(f => f.Remaining > 0).Sum(f => f.Remaining == int.MaxValue ? 1 : f.Remaining); } }
        }

        /// <summary>Removes all pending faults.</summary>
        public void ClearFaults()
        {
            lock (gate) { faults.Clear(); }
        }

        /// <summary>Aborts every open watch connection (TCP reset, no final chunk) — a network drop.</summary>
        public void DropWatches()
        {
            lock (gate)
            {
                foreach (var w in watchers) w.Drop();
            }
        }

        /// <summary>Ends every open watch normally (as at timeoutSeconds).</summary>
        public void CloseWatches()
        {
            lock (gate)
            {
                foreach (var w in watchers) w.Close("server-close");
            }
        }

        /// <summary>Sends a BOOKMARK at the current resourceVersion to every watch that allowed bookmarks.</summary>
        public void SendBookmarks()
        {
            lock (gate)
            {
                foreach (var w in watchers.Where(w => w.Bookmarks))
                {
                    w.Send(BookmarkLine(w.Type, resourceVersion, initialEventsEnd: false), isObject: false);
                }
            }
        }

        /// <summary>
        /// Sends an ERROR event with a Status of <paramref name="code"/> to every watch and ends them, as the API server
        /// does; with <paramref name="close"/> false the streams stay open (a misbehaving server).
        /// </summary>
        public void SendWatchError(int code = 410, bool close = true)
        {
            lock (gate)
            {
                foreach (var w in watchers)
                {
                    w.Send(EventLine("ERROR", StatusJson(code, code == 410 ? "Expired" : "InternalError", "injected watch error", null)), isObject: false);
                    if (close) w.Close("error");
                }
            }
        }

        /// <summary>Compacts the event history: watches from an older resourceVersion get 410 Expired.</summary>
        public void CompactHistory()
        {
            lock (gate)
            {
                compactedRv = resourceVersion;
                history.Clear();
            }
        }

        /// <summary>Invalidates every continue token issued so far (they "expire": 410 ResourceExpired).</summary>
        public void ExpireContinueTokens()
        {
            lock (gate) { tokenGeneration++; }
        }

        /// <summary>
        /// A restart: all watches are lost, the history is compacted, continue tokens expire. With
        /// <paramref name="advanceResourceVersion"/>, the server comes back one write later (a write to a resource no
        /// test watches), so every watch resuming from a resourceVersion seen before the restart gets 410 Expired.
        /// </summary>
        public void Restart(bool advanceResourceVersion)
        {
            if (!advanceResourceVersion)
            {
                Restart();
                return;
            }

            DropWatches();
            lock (gate) { resourceVersion++; }
            CompactHistory();
            ExpireContinueTokens();
        }

        /// <summary>A restart: all watches are lost, the history is compacted, continue tokens expire.</summary>
        public void Restart()
        {
            DropWatches();
            CompactHistory();
            ExpireContinueTokens();
        }

        /// <inheritdoc />
        public async ValueTask DisposeAsync()
        {
            lock (gate)
            {
                foreach (var w in watchers) w.Close("shutdown");
            }

            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        // ---------------------------------------------------------------- HTTP

        private async Task HandleAsync(HttpContext ctx)
        {
            var path = ctx.Request.Path.Value?.Trim('/') ?? "";
            var q = ctx.Request.Query;
            if (!TryRoute(path, out var type, out var ns, out var name))
            {
                ctx.Response.StatusCode = 404;
                await WriteAsync(ctx, StatusJson(404, "NotFound", "no route for " + path, null), null).ConfigureAwait(false);
                return;
            }

            var watch = string.Equals(q["watch"], "true", StringComparison.OrdinalIgnoreCase) || string.Equals(q["watch"], "1", StringComparison.Ordinal);
            var record = new RequestRecord
            {
                Id = Interlocked.Increment(ref nextId),
                Received = Clock(),
                Verb = name is not null ? "get" : watch ? "watch" : "list",
                Resource = type.Plural,
                Namespace = ns,
                PathAndQuery = ctx.Request.Path + ctx.Request.QueryString,
                ResourceVersion = q.ContainsKey("resourceVersion") ? (string?)q["resourceVersion"] : null,
                ResourceVersionMatch = q.ContainsKey("resourceVersionMatch") ? (string?)q["resourceVersionMatch"] : null,
                Limit = int.TryParse(q["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) ? limit : null,
                HasContinue = !string.IsNullOrEmpty(q["continue"]),
                FieldSelector = q.ContainsKey("fieldSelector") ? (string?)q["fieldSelector"] : null,
                LabelSelector = q.ContainsKey("labelSelector") ? (string?)q["labelSelector"] : null,
                AllowWatchBookmarks = string.Equals(q["allowWatchBookmarks"], "true", StringComparison.OrdinalIgnoreCase),
                SendInitialEvents = string.Equals(q["sendInitialEvents"], "true", StringComparison.OrdinalIgnoreCase),
                TimeoutSeconds = int.TryParse(q["timeoutSeconds"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : null,
            };

            Fault? fault = null;
            lock (gate)
            {
                requests.Add(record);
                fault = faults.FirstOrDefault(f => f.Remaining > 0 && f.Match(record));
                if (fault is not null)
                {
                    if (fault.Remaining != int.MaxValue) fault.Remaining--;
                    if (fault.ExpireTokens) tokenGeneration++;
                }
            }

            if (fault?.Delay is { } delay)
            {
                await Task.Delay(delay, ctx.RequestAborted).ConfigureAwait(false);
            }

            if (fault?.StatusCode is { } code)
            {
                record.ServedFrom = ServedFrom.Rejected;
                if (fault.RetryAfterSeconds is { } ra) ctx.Response.Headers["Retry-After"] = ra.ToString(CultureInfo.InvariantCulture);
                await Reject(ctx, record, code, code switch { 429 => "TooManyRequests", 410 => "Expired", 500 => "InternalError", _ => "Failure" }, "injected", fault.RetryAfterSeconds).ConfigureAwait(false);
                return;
            }

            if (name is not null)
            {
                await GetAsync(ctx, record, type, ns, name).ConfigureAwait(false);
                return;
            }

            Selector fields, labels;
            try
            {
                fields = Selector.Parse(record.FieldSelector, isField: true);
                labels = Selector.Parse(record.LabelSelector, isField: false);
                foreach (var term in fields.Terms)
                {
                    if (term.Key is not ("metadata.name" or "metadata.namespace") && !(type == Pods && term.Key == "spec.nodeName"))
                        throw new FormatException($"field label not supported: {term.Key}");
                }
            }
            catch (FormatException ex)
            {
                record.ServedFrom = ServedFrom.Rejected;
                await Reject(ctx, record, 400, "BadRequest", ex.Message, null).ConfigureAwait(false);
                return;
            }

            if (watch && WatchListRefusal(record) is { } refusal)
            {
                record.ServedFrom = ServedFrom.Rejected;
                await Reject(ctx, record, 422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + refusal, null).ConfigureAwait(false);
                return;
            }

            if (watch) await WatchAsync(ctx, record, type, ns, fields, labels).ConfigureAwait(false);
            else await ListAsync(ctx, record, type, ns, fields, labels, q["continue"]).ConfigureAwait(false);
        }

        // The API server's validation of a watch's list options (apimachinery ValidateListOptions), as 422 Invalid.
        private string? WatchListRefusal(RequestRecord record)
        {
            if (record.SendInitialEvents)
            {
                if (WatchList == WatchListSupport.Rejected)
                    return "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled";
                if (WatchList == WatchListSupport.Ignored) return null; // an old server: unknown parameters are ignored
                if (record.ResourceVersionMatch != "NotOlderThan")
                    return "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan";
                if (!record.AllowWatchBookmarks)
                    return "allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true";
                return null;
            }

            return !string.IsNullOrEmpty(record.ResourceVersionMatch) && WatchList != WatchListSupport.Ignored
                ? "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"
                : null;
        }

        private async Task ListAsync(HttpContext ctx, RequestRecord record, ResourceType type, string? ns, Selector fields, Selector labels, string? continueToken)
        {
            var rv = record.ResourceVersion;
            var limit = record.Limit is > 0 ? record.Limit : null;
            // facts.md, KEP-2340 routing.
            ServedFrom from;
            if (record.HasContinue) from = ServedFrom.Etcd;
            else if (string.IsNullOrEmpty(rv)) from = ServedFrom.Etcd;
            else if (rv == "0") from = ServedFrom.Cache; // limit ignored
            else from = limit is null ? ServedFrom.Cache : ServedFrom.Etcd;
            record.ServedFrom = from;

            string? startAfter = null;
            long snapshotRv;
            var items = new List<Stored>();
            string? nextToken = null;
            long processed = 0;
            lock (gate)
            {
                snapshotRv = resourceVersion;
                if (record.HasContinue)
                {
                    if (!TryDecodeToken(continueToken!, out var gen, out var tokenRv, out var after) || gen != tokenGeneration || tokenRv < compactedRv)
                    {
                        record.ServedFrom = ServedFrom.Rejected;
                        startAfter = null;
                        snapshotRv = -1;
                    }
                    else
                    {
                        startAfter = after;
                        snapshotRv = tokenRv;
                    }
                }

                if (snapshotRv >= 0)
                {
                    var scope = SortedScope(type.Plural, ns);
                    if (from == ServedFrom.Cache)
                    {
                        var matching = scope.Where(s => Matches(s, fields, labels)).ToList();
                        var indexed = type == Pods && fields.EqualityValue("spec.nodeName") is not null;
                        processed = indexed ? matching.Count : scope.Count;
                        items = matching;
                    }
                    else
                    {
                        var i = startAfter is null ? 0 : FirstAfter(scope, startAfter);

                        for (; i < scope.Count; i++)
                        {
                            processed++;
                            if (Matches(scope[i], fields, labels)) items.Add(scope[i]);
                            if (limit is { } l && items.Count >= l)
                            {
                                if (i + 1 < scope.Count) nextToken = EncodeToken(tokenGeneration, snapshotRv, Key(scope[i].Namespace, scope[i].Name));
                                break;
                            }
                        }
                    }
                }
            }

            if (snapshotRv < 0)
            {
                await Reject(ctx, record, 410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.", null).ConfigureAwait(false);
                return;
            }

            record.AddProcessed(processed);
            record.AddReturned(items.Count);
            var meta = new V1ListMeta { ResourceVersion = snapshotRv.ToString(CultureInfo.InvariantCulture), ContinueProperty = nextToken };
            record.StatusCode = 200;
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            // Written item by item, as the API server encodes a list, so a large list is never one string in memory
            // (the informer benchmark measures the client's memory in this process).
            // With its Content-Length, as the API server sends a list: the client reads to the last byte, not to a final chunk.
            var head = "{\"kind\":\"" + type.ListKind + "\",\"apiVersion\":\"" + type.ApiVersion + "\",\"metadata\":" + KubernetesJson.Serialize(meta) + ",\"items\":[";
            ctx.Response.ContentLength = Encoding.UTF8.GetByteCount(head) + items.Sum(i => (long)Encoding.UTF8.GetByteCount(i.Json)) + Math.Max(0, items.Count - 1) + 2;
            var body = ctx.Response.BodyWriter;
            var comma = false;
            void Write(string text)
            {
                var written = Encoding.UTF8.GetBytes(text, body);
                record.AddBytes(written);
            }

            Write(head);
            foreach (var item in items)
            {
                if (comma) Write(",");
                Write(item.Json);
                comma = true;
                if (body.UnflushedBytes > 64 * 1024) await body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            }

            Write("]}");
            await body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
        }

        // The objects of a resource (one namespace, or all) in key order, as etcd's key range would give them; the sorted
        // list is kept until the next write so that paging through a large collection does not sort it for every page.
        private List<Stored> SortedScope(string plural, string? ns)
        {
            if (!sorted.TryGetValue(plural, out var all))
            {
                all = objects.Where(p => p.Key.Plural == plural).OrderBy(p => p.Key.Key, StringComparer.Ordinal).Select(p => p.Value).ToList();
                sorted[plural] = all;
            }

            return ns is null ? all : all.Where(s => s.Namespace == ns).ToList();
        }

        // The index of the first object whose key sorts after startAfter (binary search over the key order).
        private static int FirstAfter(List<Stored> scope, string startAfter)
        {
            int lo = 0, hi = scope.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (string.CompareOrdinal(Key(scope[mid].Namespace, scope[mid].Name), startAfter) <= 0) lo = mid + 1;
                else hi = mid;
            }

            return lo;
        }

        // A GET of one object without resourceVersion is a quorum read from etcd of that one key.
        private async Task GetAsync(HttpContext ctx, RequestRecord record, ResourceType type, string? ns, string name)
        {
            record.ServedFrom = ServedFrom.Etcd;
            Stored? stored;
            lock (gate)
            {
                objects.TryGetValue((type.Plural, Key(ns, name)), out stored);
            }

            record.AddProcessed(1);
            if (stored is null)
            {
                await Reject(ctx, record, 404, "NotFound", $"{type.Plural} \"{name}\" not found", null).ConfigureAwait(false);
                return;
            }

            record.AddReturned(1);
            record.StatusCode = 200;
            await WriteAsync(ctx, stored.Json, record).ConfigureAwait(false);
        }

        private async Task WatchAsync(HttpContext ctx, RequestRecord record, ResourceType type, string? ns, Selector fields, Selector labels)
        {
            record.ServedFrom = ServedFrom.Watch;
            var watcher = new Watcher(type, ns, fields, labels, record.AllowWatchBookmarks, record);
            var rv = record.ResourceVersion;
            var expired = false;
            lock (gate)
            {
                if (record.SendInitialEvents && WatchList == WatchListSupport.Supported)
                {
                    // KEP-3157 with resourceVersionMatch=NotOlderThan: the current state as ADDED events (from the watch
                    // cache, at least as new as the requested resourceVersion), then the bookmark that ends them.
                    foreach (var s in objects.Values.Where(watcher.Matches).OrderBy(s => s.Rv))
                        watcher.SendObject("ADDED", s.Json);
                    watcher.Send(BookmarkLine(type, resourceVersion, initialEventsEnd: true), isObject: false);
                }
                else if (string.IsNullOrEmpty(rv) || rv == "0")
                {
                    foreach (var s in objects.Values.Where(watcher.Matches).OrderBy(s => s.Rv))
                        watcher.SendObject("ADDED", s.Json);
                }
                else if (!long.TryParse(rv, NumberStyles.Integer, CultureInfo.InvariantCulture, out var from) || from < compactedRv)
                {
                    expired = true;
                }
                else
                {
                    foreach (var (erv, etype, s) in history)
                    {
                        if (erv > from && watcher.Matches(s)) watcher.SendObject(etype, s.Json);
                    }
                }

                if (expired)
                {
                    // The real API server answers 200 and then one ERROR event with a 410 Status.
                    watcher.Send(EventLine("ERROR", StatusJson(410, "Expired", $"too old resource version: {rv} ({compactedRv})", null)), isObject: false);
                    watcher.Close("error");
                }
                else
                {
                    watchers.Add(watcher);
                }
            }

            record.StatusCode = 200;
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            var timeout = WatchTimeoutOverride ?? TimeSpan.FromSeconds(record.TimeoutSeconds ?? 1800);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, watcher.DropToken);
            cts.CancelAfter(timeout);
            try
            {
                await ctx.Response.StartAsync(cts.Token).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(cts.Token).ConfigureAwait(false);
                var body = ctx.Response.BodyWriter;
                await foreach (var line in watcher.Lines.Reader.ReadAllAsync(cts.Token).ConfigureAwait(false))
                {
                    // Encoded straight into the response's buffer from the stored JSON (no per-event string): the informer
                    // benchmark counts this process's allocations and memory.
                    var written = line.Type is null
                        ? Encoding.UTF8.GetBytes(line.Json, body)
                        : Encoding.UTF8.GetBytes("{\"type\":\"", body) + Encoding.UTF8.GetBytes(line.Type, body) +
                          Encoding.UTF8.GetBytes("\",\"object\":", body) + Encoding.UTF8.GetBytes(line.Json, body) + Encoding.UTF8.GetBytes("}", body);
                    body.Write("\n"u8);
                    record.AddBytes(written + 1);
                    record.AddEvent();
                    await body.FlushAsync(cts.Token).ConfigureAwait(false);
                }

                record.CloseReason ??= watcher.CloseReason ?? "server-close";
            }
            catch (Exception) when (watcher.Dropped)
            {
                record.CloseReason = "dropped";
                ctx.Abort();
            }
            catch (Exception) when (ctx.RequestAborted.IsCancellationRequested)
            {
                record.CloseReason = "client";
            }
            catch (OperationCanceledException)
            {
                record.CloseReason = "timeout";
            }
            catch (Exception)
            {
                record.CloseReason = "client";
            }
            finally
            {
                lock (gate) { watchers.Remove(watcher); }
            }
        }

        private static async Task Reject(HttpContext ctx, RequestRecord record, int code, string reason, string message, int? retryAfterSeconds)
        {
            record.StatusCode = code;
            ctx.Response.StatusCode = code;
            await WriteAsync(ctx, StatusJson(code, reason, message, retryAfterSeconds), record).ConfigureAwait(false);
        }

        private static async Task WriteAsync(HttpContext ctx, string body, RequestRecord? record)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = bytes.Length;
            record?.AddBytes(bytes.Length);
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
        }

        private static bool TryRoute(string path, out ResourceType type, out string? ns, out string? name)
        {
            type = Pods;
            ns = null;
            name = null;
            var parts = path.Split('/');
            foreach (var candidate in Types)
            {
                var prefix = candidate.Prefix.Split('/');
                if (parts.Length < prefix.Length + 1 || !parts.Take(prefix.Length).SequenceEqual(prefix)) continue;
                var rest = parts.Skip(prefix.Length).ToArray();
                if (rest.Length is 1 or 2 && rest[0] == candidate.Plural)
                {
                    type = candidate;
                    name = rest.Length == 2 ? rest[1] : null;
                    return true;
                }

                if (candidate.Namespaced && rest.Length is 3 or 4 && rest[0] == "namespaces" && rest[2] == candidate.Plural)
                {
                    type = candidate;
                    ns = rest[1];
                    name = rest.Length == 4 ? rest[3] : null;
                    return true;
                }
            }

            return false;
        }

        private static bool Matches(Stored s, Selector fields, Selector labels) =>
            fields.Matches(k => k switch
            {
                "metadata.name" => s.Name,
                "metadata.namespace" => s.Namespace ?? "",
                "spec.nodeName" => s.NodeName ?? "",
                _ => null,
            }) && labels.Matches(k => s.Labels.TryGetValue(k, out var v) ? v : null);

        private static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;

        private static string BookmarkLine(ResourceType type, long rv, bool initialEventsEnd) =>
            "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"" + type.Kind + "\",\"apiVersion\":\"" + type.ApiVersion +
            "\",\"metadata\":{\"resourceVersion\":\"" + rv.ToString(CultureInfo.InvariantCulture) + "\"" +
            (initialEventsEnd ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "") + "}}}";

        private static string EventLine(string type, string objectJson) => "{\"type\":\"" + type + "\",\"object\":" + objectJson + "}";

        private static string StatusJson(int code, string reason, string message, int? retryAfterSeconds)
        {
            // V1Status cannot be serialized by KubernetesJson (its converter only reads), so write the wire shape by hand.
            var details = retryAfterSeconds is { } ra ? ",\"details\":{\"retryAfterSeconds\":" + ra.ToString(CultureInfo.InvariantCulture) + "}" : "";
            return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":" +
                   System.Text.Json.JsonSerializer.Serialize(message) + ",\"reason\":\"" + reason + "\"" + details +
                   ",\"code\":" + code.ToString(CultureInfo.InvariantCulture) + "}";
        }

        private static string EncodeToken(int generation, long rv, string lastKey) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{generation}|{rv}|{lastKey}")));

        private static bool TryDecodeToken(string token, out int generation, out long rv, out string lastKey)
        {
            generation = 0;
            rv = 0;
            lastKey = "";
            try
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 3);
                if (parts.Length != 3) return false;
                generation = int.Parse(parts[0], CultureInfo.InvariantCulture);
                rv = long.Parse(parts[1], CultureInfo.InvariantCulture);
                lastKey = parts[2];
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        private sealed record ResourceType(string Plural, string Kind, string ListKind, string ApiVersion, string Prefix, bool Namespaced);

        private sealed record Stored(ResourceType Type, string? Namespace, string Name, string? NodeName, Dictionary<string, string> Labels, long Rv, string Json, IKubernetesObject<V1ObjectMeta> Object);

        private sealed class Fault
        {
            public Fault(Func<RequestRecord, bool> match, int remaining, int? statusCode, int? retryAfterSeconds, TimeSpan? delay)
            {
                Match = match;
                Remaining = remaining;
                StatusCode = statusCode;
                RetryAfterSeconds = retryAfterSeconds;
                Delay = delay;
            }

            public Func<RequestRecord, bool> Match { get; }

            public int Remaining { get; set; }

            public int? StatusCode { get; }

            public int? RetryAfterSeconds { get; }

            public TimeSpan? Delay { get; }

            public bool ExpireTokens { get; init; }
        }

        private sealed class Watcher
        {
            private readonly CancellationTokenSource drop = new();
            private readonly string? ns;
            private readonly Selector fields;
            private readonly Selector labels;
            private readonly RequestRecord record;

            public Watcher(ResourceType type, string? ns, Selector fields, Selector labels, bool bookmarks, RequestRecord record)
            {
                Type = type;
                this.ns = ns;
                this.fields = fields;
                this.labels = labels;
                Bookmarks = bookmarks;
                this.record = record;
            }

            public ResourceType Type { get; }

            public RequestRecord Record => record;

            public bool Bookmarks { get; }

            /// <summary>Lines to send: an object event (Type, the stored object's JSON) or a whole line (Type null).</summary>
            public Channel<(string? Type, string Json)> Lines { get; } = Channel.CreateUnbounded<(string? Type, string Json)>();

            public CancellationToken DropToken => drop.Token;

            public bool Dropped { get; private set; }

            public string? CloseReason { get; private set; }

            public bool Matches(Stored s) =>
                s.Type == Type && (ns is null || s.Namespace == ns) && FakeApiServer.Matches(s, fields, labels);

            public void SendObject(string type, string objectJson) => Send((type, objectJson), isObject: true);

            public void Send(string line, bool isObject) => Send((null, line), isObject);

            private void Send((string? Type, string Json) line, bool isObject)
            {
                if (Dropped) return; // the connection is gone: nothing more reaches this client
                if (Lines.Writer.TryWrite(line))
                {
                    if (isObject)
                    {
                        record.AddProcessed(1);
                        record.AddReturned(1);
                    }
                }
            }

            public void Close(string reason)
            {
                CloseReason ??= reason;
                Lines.Writer.TryComplete();
            }

            public void Drop()
            {
                Dropped = true;
                drop.Cancel();
            }
        }
    }

    /// <summary>How the loopback server answers a streaming list (KEP-3157, <c>sendInitialEvents=true</c>).</summary>
    public enum WatchListSupport
    {
        /// <summary>The current state as ADDED events, then a BOOKMARK annotated <c>k8s.io/initial-events-end</c>, then changes.</summary>
        Supported,

        /// <summary>422 Invalid, as a server with the WatchList feature gate off (or an aggregated API server) answers.</summary>
        Rejected,

        /// <summary>The parameters are ignored, as by a server or proxy that does not know them: a plain watch, no such bookmark.</summary>
        Ignored,
    }
}
