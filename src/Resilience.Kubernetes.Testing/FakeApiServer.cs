using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Resilience.Kubernetes.Testing
{
    /// <summary>
    /// An in-process API server on 127.0.0.1:0 that speaks enough of the Kubernetes API for the real KubernetesClient
    /// and real kubectl: discovery, list (JSON or meta.k8s.io Table, chunked with expiring continue tokens), watch
    /// (bookmarks, 410 for a compacted resourceVersion), GET by name, field and label selectors, resourceVersion /
    /// resourceVersionMatch, and Status errors; for pods (namespaced and all namespaces), nodes, namespaces,
    /// services and one custom resource (example.com/v1 widgets). It records, per request, where facts.md's routing
    /// says it would be served (cache or etcd) and how many objects the server had to process, so tests can compare
    /// access patterns. Objects are serialized with <see cref="KubernetesJson"/>. docs/testing-server.md says where
    /// it differs from kube-apiserver.
    /// </summary>
    public sealed partial class FakeApiServer : IAsyncDisposable
    {
        private static readonly ResourceType Pods = ResourceKinds.Pods;
        private static readonly ResourceType Nodes = ResourceKinds.Nodes;
        private static readonly ResourceType Namespaces = ResourceKinds.Namespaces;
        private static readonly ResourceType Services = ResourceKinds.Services;
        private static readonly ResourceType Widgets = ResourceKinds.Widgets;
        private static readonly ResourceType[] Types = ResourceKinds.All;

        private readonly object gate = new();
        private readonly Dictionary<(string Plural, string Key), Stored> objects = new();
        // Every write since the last compaction, in resourceVersion order, with the version it replaced (null for a
        // create): watches replay it, and lists at an older resourceVersion (Exact, continue) undo it.
        private readonly List<(long Rv, string Type, Stored Obj, Stored? Previous)> history = new();
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

        /// <summary>
        /// When set, a continue token older than this (by <see cref="Clock"/>) is answered 410 Expired, as kube-apiserver
        /// answers one whose resourceVersion etcd has compacted (every 5 min by default, <c>--etcd-compaction-interval</c>).
        /// Default: tokens expire only through <see cref="ExpireContinueTokens"/>, <see cref="CompactHistory"/> or a restart.
        /// </summary>
        public TimeSpan? ContinueTokenLifetime { get; set; }

        /// <summary>
        /// When set, every watch that allowed bookmarks gets a BOOKMARK at the current resourceVersion this often
        /// (kube-apiserver: about once a minute). Default: only through <see cref="SendBookmarks"/>.
        /// </summary>
        public TimeSpan? BookmarkInterval { get; set; }

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
            // The namespaces every cluster has.
            foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" }) server.Upsert(Namespace(ns));
            return server;
        }

        /// <summary>A real client pointed at this server.</summary>
        public k8s.Kubernetes CreateClient(params System.Net.Http.DelegatingHandler[] handlers) => new(new KubernetesClientConfiguration { Host = Url }, handlers);

        /// <summary>
        /// A kubeconfig for this server (plain http, no credentials; <paramref name="defaultNamespace"/> as the context's
        /// namespace), for kubectl (<c>--kubeconfig</c>) or a program under test that reads one. With
        /// <paramref name="token"/>, the user has that bearer token (KubernetesClient's <c>BuildConfigFromConfigFile</c>
        /// wants some credential; the server checks none).
        /// </summary>
        public string Kubeconfig(string defaultNamespace = "default", string? token = null) =>
            "apiVersion: v1\nkind: Config\nclusters:\n- name: loopback\n  cluster:\n    server: " + Url + "\n" +
            "contexts:\n- name: loopback\n  context:\n    cluster: loopback\n    user: loopback\n    namespace: " + defaultNamespace + "\n" +
            "current-context: loopback\nusers:\n- name: loopback\n  user:" + (token is null ? " {}\n" : "\n    token: " + token + "\n");

        /// <summary>
        /// The accounting of the requests after the first <paramref name="since"/> (e.g. <c>server.Requests.Count</c> taken
        /// before the code under test ran): requests by verb and resource, objects processed and returned, bytes, events.
        /// A watch still open goes on counting its events.
        /// </summary>
        public RequestAccounting Accounting(int since = 0)
        {
            if (since < 0) throw new ArgumentOutOfRangeException(nameof(since), since, "since is a number of requests already made (0 or more).");
            lock (gate) { return new RequestAccounting(requests.Skip(since).ToArray()); }
        }

        // ---------------------------------------------------------------- data

        /// <summary>
        /// A running pod with one ready container on <paramref name="nodeName"/> (unscheduled when null), as kubectl
        /// shows it: READY 1/1, STATUS Running (or <paramref name="phase"/>).
        /// </summary>
        public static V1Pod Pod(string ns, string name, string? nodeName = null, IDictionary<string, string>? labels = null, string phase = "Running") => new()
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
            Spec = new V1PodSpec { NodeName = nodeName, Containers = new List<V1Container> { new() { Name = "c", Image = "busybox" } } },
            Status = new V1PodStatus
            {
                Phase = phase,
                ContainerStatuses = new List<V1ContainerStatus>
                {
                    new() { Name = "c", Image = "busybox", ImageID = "", Ready = phase == "Running", Started = phase == "Running", RestartCount = 0 },
                },
            },
        };

        /// <summary>A node whose Ready condition is <paramref name="ready"/>, with a kubelet version, as kubectl shows it: STATUS Ready, VERSION v1.32.0.</summary>
        public static V1Node Node(string name, IDictionary<string, string>? labels = null, bool ready = true) => new()
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
            Status = new V1NodeStatus
            {
                Conditions = new List<V1NodeCondition> { new() { Type = "Ready", Status = ready ? "True" : "False", Reason = ready ? "KubeletReady" : "KubeletNotReady" } },
                NodeInfo = new V1NodeSystemInfo
                {
                    KubeletVersion = $"v{Discovery.Major}.{Discovery.Minor}.0", KubeProxyVersion = "", OsImage = "Debian GNU/Linux 13 (trixie)",
                    KernelVersion = "6.12.0", ContainerRuntimeVersion = "containerd://2.0.0", OperatingSystem = "linux", Architecture = "amd64",
                    BootID = "", MachineID = "", SystemUUID = "",
                },
            },
        };

        /// <summary>An Active namespace.</summary>
        public static V1Namespace Namespace(string name) => new()
        {
            ApiVersion = "v1",
            Kind = "Namespace",
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = name } },
            Spec = new V1NamespaceSpec { Finalizers = new List<string> { "kubernetes" } },
            Status = new V1NamespaceStatus { Phase = "Active" },
        };

        /// <summary>Creates or replaces a pod (its namespace is created first if it does not exist).</summary>
        public long Upsert(V1Pod pod) => Write(Pods, pod, deleted: false);

        /// <summary>Creates or replaces a node.</summary>
        public long Upsert(V1Node node) => Write(Nodes, node, deleted: false);

        /// <summary>Creates or replaces a namespace.</summary>
        public long Upsert(V1Namespace ns) => Write(Namespaces, ns, deleted: false);

        /// <summary>Creates or replaces a service (its namespace is created first if it does not exist).</summary>
        public long Upsert(V1Service service) => Write(Services, service, deleted: false);

        /// <summary>Creates or replaces a widget (its namespace is created first if it does not exist).</summary>
        public long Upsert(TestWidget widget) => Write(Widgets, widget, deleted: false);

        /// <summary>
        /// Adds <paramref name="podsPerNode"/> running pods to each of <paramref name="nodes"/> ready nodes named
        /// node-0…; pods are spread over namespaces ns-0..ns-2 and labelled app=web (even) or app=db (odd).
        /// </summary>
        public void AddCluster(int nodes, int podsPerNode, bool addNodes = true)
        {
            if (nodes < 0 || podsPerNode < 0)
                throw new ArgumentOutOfRangeException(nodes < 0 ? nameof(nodes) : nameof(podsPerNode), "A cluster has zero or more nodes and pods per node.");
            for (var n = 0; n < nodes; n++)
            {
                if (addNodes) Upsert(Node("node-" + n));
                for (var p = 0; p < podsPerNode; p++)
                {
                    Upsert(Pod("ns-" + (p % 3), $"pod-{n}-{p}", "node-" + n, new Dictionary<string, string> { ["app"] = p % 2 == 0 ? "web" : "db" }));
                }
            }
        }

        /// <summary>Deletes an object; returns false if it did not exist.</summary>
        public bool Delete(string plural, string? ns, string name)
        {
            var type = ResourceKinds.ByPlural(plural);
            Stored? existing;
            lock (gate)
            {
                objects.TryGetValue((plural, Key(ns, name)), out existing);
            }

            if (existing is null) return false;
            Write(type, existing.Object, deleted: true);
            return true;
        }

        /// <summary>The stored objects of a resource as key (<c>namespace/name</c>) → (resourceVersion, spec.nodeName), for comparing a client's cache with the server.</summary>
        public IReadOnlyDictionary<string, (string ResourceVersion, string? NodeName)> Snapshot(string plural)
        {
            ResourceKinds.ByPlural(plural);
            lock (gate)
            {
                return objects.Where(p => p.Key.Plural == plural)
                    .ToDictionary(p => p.Key.Key, p => (p.Value.Rv.ToString(CultureInfo.InvariantCulture), p.Value.NodeName), StringComparer.Ordinal);
            }
        }

        /// <summary>Number of stored objects of a resource.</summary>
        public int Count(string plural)
        {
            ResourceKinds.ByPlural(plural);
            lock (gate) { return objects.Keys.Count(k => k.Plural == plural); }
        }

        private long Write(ResourceType type, IKubernetesObject<V1ObjectMeta> obj, bool deleted)
        {
            if (string.IsNullOrEmpty(obj.Metadata?.Name)) throw new ArgumentException($"A {type.Kind} needs metadata.name.", nameof(obj));
            if (type.Namespaced && string.IsNullOrEmpty(obj.Metadata.NamespaceProperty))
                throw new ArgumentException($"A {type.Kind} is namespaced: set metadata.namespace of \"{obj.Metadata.Name}\".", nameof(obj));
            lock (gate)
            {
                var ns = obj.Metadata.NamespaceProperty;
                if (type.Namespaced && !deleted && !objects.ContainsKey((Namespaces.Plural, ns!))) WriteLocked(Namespaces, Namespace(ns!), deleted: false);
                return WriteLocked(type, obj, deleted);
            }
        }

        // Fills metadata as kube-apiserver does on create (uid, creationTimestamp, generation 1) and update (uid and
        // creationTimestamp kept, generation + 1 when the spec changed), stamps the new resourceVersion, stores the
        // JSON and sends the event to the matching watches.
        private long WriteLocked(ResourceType type, IKubernetesObject<V1ObjectMeta> obj, bool deleted)
        {
            var meta = obj.Metadata;
            var key = (type.Plural, Key(meta.NamespaceProperty, meta.Name));
            objects.TryGetValue(key, out var previous);
            var rv = ++resourceVersion;
            meta.ResourceVersion = rv.ToString(CultureInfo.InvariantCulture);
            var specJson = SpecJson(obj);
            if (!deleted && previous is null)
            {
                meta.Uid = string.IsNullOrEmpty(meta.Uid) ? Guid.NewGuid().ToString() : meta.Uid;
                var now = Clock().UtcDateTime;
                meta.CreationTimestamp ??= now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)); // the API server's seconds
                meta.Generation = 1;
            }
            else if (!deleted)
            {
                meta.Uid = previous!.Object.Metadata.Uid;
                meta.CreationTimestamp = previous.Object.Metadata.CreationTimestamp;
                meta.Generation = (previous.Object.Metadata.Generation ?? 1) + (specJson == previous.SpecJson ? 0 : 1);
            }

            var fields = type.Fields(obj);
            var stored = new Stored(type, meta.NamespaceProperty, meta.Name, fields.TryGetValue("spec.nodeName", out var node) && node.Length > 0 ? node : null,
                fields, meta.Labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(meta.Labels),
                rv, KubernetesJson.Serialize(obj), specJson, obj);
            sorted.Remove(type.Plural);
            string eventType;
            if (deleted)
            {
                objects.Remove(key);
                eventType = "DELETED";
            }
            else
            {
                eventType = previous is null ? "ADDED" : "MODIFIED";
                objects[key] = stored;
            }

            history.Add((rv, eventType, stored, previous));
            foreach (var w in watchers)
            {
                if (w.Matches(stored)) w.SendObject(eventType, stored);
            }

            return rv;
        }

        private static string? SpecJson(IKubernetesObject<V1ObjectMeta> obj) =>
            obj.GetType().GetProperty("Spec")?.GetValue(obj) is { } spec ? KubernetesJson.Serialize(spec) : null;

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
                    var message = code == 410 ? $"too old resource version: {w.Record.ResourceVersion} ({compactedRv})" : "injected watch error";
                    w.Send(EventLine("ERROR", StatusJson(code, code == 410 ? "Expired" : "InternalError", message, null)), isObject: false);
                    if (close) w.Close("error");
                }
            }
        }

        /// <summary>
        /// The watch window moves past every open watch: the history is compacted and each watch gets the ERROR event
        /// (410 Expired, "too old resource version") and ends; a client must list again (relist) before it can watch.
        /// </summary>
        public void ExpireWatches()
        {
            CompactHistory();
            SendWatchError(410);
        }

        /// <summary>Compacts the event history: watches from an older resourceVersion get 410 Expired.</summary>
        public void CompactHistory()
        {
            lock (gate)
            {
                compactedRv = resourceVersion;
                history.Clear();
                foreach (var key in sorted.Keys.Where(k => k.Contains('@', StringComparison.Ordinal)).ToList()) sorted.Remove(key);
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

        private sealed record Stored(
            ResourceType Type,
            string? Namespace,
            string Name,
            string? NodeName,
            IReadOnlyDictionary<string, string> Fields,
            Dictionary<string, string> Labels,
            long Rv,
            string Json,
            string? SpecJson,
            IKubernetesObject<V1ObjectMeta> Object);

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
            private readonly Func<Stored, string>? render;

            // render: how an object is written in an event (a one-row Table for a Table watch); null: its JSON.
            public Watcher(ResourceType type, string? ns, Selector fields, Selector labels, bool bookmarks, RequestRecord record, Func<Stored, string>? render)
            {
                Type = type;
                this.ns = ns;
                this.fields = fields;
                this.labels = labels;
                Bookmarks = bookmarks;
                this.record = record;
                this.render = render;
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

            public void SendObject(string type, Stored obj) => Send((type, render is null ? obj.Json : render(obj)), isObject: true);

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
