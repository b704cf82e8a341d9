using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace Resilience.Kubernetes.Testing
{
    /// <summary>The HTTP side: routing, discovery, list, get and watch.</summary>
    public sealed partial class FakeApiServer
    {
        // kube-apiserver waits this long for its watch cache to reach a resourceVersion newer than it has seen before it
        // answers 504 "Too large resource version" (the cacher's blocking wait, 3 s).
        private static readonly TimeSpan FreshnessWait = TimeSpan.FromSeconds(3);

        // Quotes in a message as \" (as Go's encoder writes them), not \u0022.
        private static readonly System.Text.Json.JsonSerializerOptions ReadableJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private async Task HandleAsync(HttpContext ctx)
        {
            var path = ctx.Request.Path.Value?.Trim('/') ?? "";
            var q = ctx.Request.Query;
            var document = Discovery.Document(path, ctx.Request.Host.Value ?? "127.0.0.1");
            var routed = TryRoute(path, out var type, out var ns, out var name);
            var watch = string.Equals(q["watch"], "true", StringComparison.OrdinalIgnoreCase) || string.Equals(q["watch"], "1", StringComparison.Ordinal);
            var table = TableVersion(ctx.Request.Headers.Accept.ToString());
            var record = new RequestRecord
            {
                Id = Interlocked.Increment(ref nextId),
                Received = Clock(),
                Verb = !routed || name is not null ? "get" : watch ? "watch" : "list",
                Resource = routed ? type.Plural : "",
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
                AsTable = routed && table is not null,
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
                await Reject(ctx, record, code, code switch { 429 => "TooManyRequests", 410 => "Expired", 500 => "InternalError", 503 => "ServiceUnavailable", _ => "Failure" }, "injected", fault.RetryAfterSeconds).ConfigureAwait(false);
                return;
            }

            if (!HttpMethods.IsGet(ctx.Request.Method))
            {
                record.ServedFrom = ServedFrom.Rejected;
                await Reject(ctx, record, 405, "MethodNotAllowed", $"the loopback API server only reads: {ctx.Request.Method} is not supported on {path}", null).ConfigureAwait(false);
                return;
            }

            if (document is not null)
            {
                record.ServedFrom = ServedFrom.Discovery;
                record.StatusCode = 200;
                ctx.Response.StatusCode = 200;
                await WriteAsync(ctx, document, record).ConfigureAwait(false);
                return;
            }

            if (!routed)
            {
                record.ServedFrom = ServedFrom.Rejected;
                await Reject(ctx, record, 404, "NotFound", "the server could not find the requested resource", null).ConfigureAwait(false);
                return;
            }

            var includeObject = (string?)q["includeObject"] ?? "";
            if (includeObject is not ("" or "None" or "Metadata" or "Object"))
            {
                record.ServedFrom = ServedFrom.Rejected;
                await Reject(ctx, record, 400, "BadRequest", $"includeObject: Unsupported value: \"{includeObject}\": supported values: \"None\", \"Metadata\", \"Object\"", null).ConfigureAwait(false);
                return;
            }

            var output = table is null ? null : new TableOutput(table, includeObject is "" ? "Metadata" : includeObject, Clock);
            if (name is not null)
            {
                await GetAsync(ctx, record, type, ns, name, output).ConfigureAwait(false);
                return;
            }

            Selector fields, labels;
            try
            {
                fields = Selector.Parse(record.FieldSelector, isField: true);
                labels = Selector.Parse(record.LabelSelector, isField: false);
                var supported = type.Fields(Probe(type));
                foreach (var term in fields.Terms)
                {
                    if (!supported.ContainsKey(term.Key))
                        throw new FormatException($"field label not supported: {term.Key} (the server accepts {string.Join(", ", supported.Keys)} for {type.Plural})");
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

            if (watch) await WatchAsync(ctx, record, type, ns, fields, labels, output).ConfigureAwait(false);
            else await ListAsync(ctx, record, type, ns, fields, labels, q["continue"], output).ConfigureAwait(false);
        }

        // An empty object of the kind, for the set of field labels the kind supports.
        private static IKubernetesObject<V1ObjectMeta> Probe(ResourceType type) => type.Kind switch
        {
            "Pod" => new V1Pod { Metadata = new V1ObjectMeta() },
            "Node" => new V1Node { Metadata = new V1ObjectMeta() },
            "Namespace" => new V1Namespace { Metadata = new V1ObjectMeta() },
            "Service" => new V1Service { Metadata = new V1ObjectMeta() },
            _ => new TestWidget(),
        };

        // The Table version the client asks for first in its Accept header (kubectl: "application/json;as=Table;v=v1;
        // g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"), or null when it prefers JSON.
        private static string? TableVersion(string accept)
        {
            foreach (var range in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = range.Split(';', StringSplitOptions.TrimEntries);
                var parameters = parts.Skip(1).Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
                if (parameters.TryGetValue("as", out var asKind))
                {
                    if (asKind == "Table" && parameters.GetValueOrDefault("g") == "meta.k8s.io" && parameters.GetValueOrDefault("v") is "v1" or "v1beta1")
                        return "meta.k8s.io/" + parameters["v"];
                    continue; // another transformation (e.g. PartialObjectMetadataList, aggregated discovery): not offered
                }

                if (parts[0] is "application/json" or "*/*" or "application/*") return null;
            }

            return null;
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

        // The API server's validation of a list's resourceVersion options: (status code, reason, message) or null.
        private static (int Code, string Reason, string Message)? ListOptionsRefusal(RequestRecord record)
        {
            var rv = record.ResourceVersion;
            var match = record.ResourceVersionMatch;
            const string Invalid = "ListOptions.meta.k8s.io \"\" is invalid: ";
            if (!string.IsNullOrEmpty(match))
            {
                if (match is not ("Exact" or "NotOlderThan"))
                    return (422, "Invalid", Invalid + $"resourceVersionMatch: Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
                if (record.HasContinue) return (422, "Invalid", Invalid + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided");
                if (string.IsNullOrEmpty(rv)) return (422, "Invalid", Invalid + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
                if (match == "Exact" && rv == "0") return (422, "Invalid", Invalid + "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
            }

            if (!string.IsNullOrEmpty(rv) && !long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                return (400, "BadRequest", $"invalid resource version \"{rv}\": a resourceVersion is a decimal number here");
            if (record.HasContinue && !string.IsNullOrEmpty(rv) && rv != "0")
                return (400, "BadRequest", "specifying resource version is not allowed when using continue");
            return null;
        }

        private async Task ListAsync(HttpContext ctx, RequestRecord record, ResourceType type, string? ns, Selector fields, Selector labels, string? continueToken, TableOutput? output)
        {
            if (ListOptionsRefusal(record) is { } refusal)
            {
                record.ServedFrom = ServedFrom.Rejected;
                await Reject(ctx, record, refusal.Code, refusal.Reason, refusal.Message, null).ConfigureAwait(false);
                return;
            }

            var rv = record.ResourceVersion;
            var limit = record.Limit is > 0 ? record.Limit : null;
            var requested = string.IsNullOrEmpty(rv) ? 0 : long.Parse(rv, CultureInfo.InvariantCulture);
            // facts.md, KEP-2340 routing; the semantics of https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions:
            // unset: most recent (quorum read from etcd); "0": any (the watch cache, limit ignored); X with Exact, or
            // with a limit and no match: exactly X (etcd); X otherwise: not older than X (the cache without a limit).
            var exact = record.ResourceVersionMatch == "Exact" || (requested > 0 && limit is not null && string.IsNullOrEmpty(record.ResourceVersionMatch));
            ServedFrom from;
            if (record.HasContinue) from = ServedFrom.Etcd;
            else if (string.IsNullOrEmpty(rv)) from = ServedFrom.Etcd;
            else if (rv == "0") from = ServedFrom.Cache;
            else from = limit is null && !exact ? ServedFrom.Cache : ServedFrom.Etcd;
            record.ServedFrom = from;

            // A resourceVersion newer than the server's: wait for it (the cache's freshness wait), then 504.
            if (requested > 0 && !await WaitForResourceVersion(requested, ctx.RequestAborted).ConfigureAwait(false))
            {
                record.ServedFrom = ServedFrom.Rejected;
                ctx.Response.Headers["Retry-After"] = "1";
                await Reject(ctx, record, 504, "Timeout", $"Too large resource version: {requested}, current: {CurrentResourceVersion}", 1,
                    ",\"causes\":[{\"reason\":\"ResourceVersionTooLarge\",\"message\":\"Too large resource version\"}]").ConfigureAwait(false);
                return;
            }

            string? startAfter = null;
            long snapshotRv;
            var items = new List<Stored>();
            string? nextToken = null;
            long processed = 0;
            (int Code, string Reason, string Message)? gone = null;
            lock (gate)
            {
                snapshotRv = exact ? requested : resourceVersion;
                if (record.HasContinue)
                {
                    if (!TryDecodeToken(continueToken!, out var gen, out var tokenRv, out var after, out var issued))
                    {
                        gone = (400, "BadRequest", "continue key is not valid: the loopback server did not issue this token");
                    }
                    else if (gen != tokenGeneration || tokenRv < compactedRv || (ContinueTokenLifetime is { } ttl && Clock() - issued > ttl))
                    {
                        gone = (410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
                    }
                    else
                    {
                        startAfter = after;
                        snapshotRv = tokenRv;
                    }
                }
                else if (exact && requested < compactedRv)
                {
                    gone = (410, "Expired", $"The resourceVersion for the provided list is too old. (requested {requested}, oldest available {compactedRv})");
                }

                if (gone is null)
                {
                    var scope = ScopeAt(type, ns, snapshotRv);
                    // metadata.name= where the object's key can be built (a namespace in the path, or a cluster-scoped kind):
                    // the API server reads that one key, from etcd or the cache (kubernetes apiserver
                    // registry/generic/registry/store.go, ListPredicate: p.MatchesSingle() → GetList(key, Recursive: false)).
                    // Across namespaces "the optimization is skipped": every object in scope is read.
                    if (fields.EqualityValue("metadata.name") is { } named && (ns is not null || !type.Namespaced) && !record.HasContinue)
                    {
                        scope = scope.Where(s => s.Name == named).ToList();
                    }

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
                                if (i + 1 < scope.Count) nextToken = EncodeToken(tokenGeneration, snapshotRv, Key(scope[i].Namespace, scope[i].Name), Clock());
                                break;
                            }
                        }
                    }
                }
            }

            if (gone is { } g)
            {
                record.ServedFrom = ServedFrom.Rejected;
                await Reject(ctx, record, g.Code, g.Reason, g.Message, null).ConfigureAwait(false);
                return;
            }

            record.AddProcessed(processed);
            record.AddReturned(items.Count);
            var meta = new V1ListMeta { ResourceVersion = snapshotRv.ToString(CultureInfo.InvariantCulture), ContinueProperty = nextToken };
            record.StatusCode = 200;
            ctx.Response.StatusCode = 200;
            if (output is not null)
            {
                ctx.Response.StatusCode = 200;
                await WriteAsync(ctx, output.Render(type, items, meta, withColumns: true), record, output.ContentType).ConfigureAwait(false);
                return;
            }

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

        private async Task<bool> WaitForResourceVersion(long requested, CancellationToken cancellationToken)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (CurrentResourceVersion < requested)
            {
                if (waited.Elapsed >= FreshnessWait) return false;
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }

        // The objects of a resource (one namespace, or all) in key order at resourceVersion rv, as etcd's key range at
        // that revision would give them: the current objects with the writes after rv undone. Sorted lists are kept
        // (the current one until the next write; those at an older rv until compaction) so that paging through a large
        // collection does not sort it for every page.
        private List<Stored> ScopeAt(ResourceType type, string? ns, long rv)
        {
            var cacheKey = type.Plural;
            var undo = new List<(string Key, Stored? Previous)>();
            for (var i = history.Count - 1; i >= 0 && history[i].Rv > rv; i--)
            {
                var h = history[i];
                if (h.Obj.Type == type) undo.Add((Key(h.Obj.Namespace, h.Obj.Name), h.Previous));
            }

            if (undo.Count > 0) cacheKey = type.Plural + "@" + rv.ToString(CultureInfo.InvariantCulture);
            if (!sorted.TryGetValue(cacheKey, out var all))
            {
                var state = objects.Where(p => p.Key.Plural == type.Plural).ToDictionary(p => p.Key.Key, p => p.Value, StringComparer.Ordinal);
                foreach (var (key, previous) in undo) // newest first
                {
                    if (previous is null) state.Remove(key);
                    else state[key] = previous;
                }

                all = state.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList();
                if (undo.Count > 0 && sorted.Keys.Count(k => k.Contains('@', StringComparison.Ordinal)) >= 8)
                {
                    foreach (var old in sorted.Keys.Where(k => k.Contains('@', StringComparison.Ordinal)).ToList()) sorted.Remove(old);
                }

                sorted[cacheKey] = all;
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
        private async Task GetAsync(HttpContext ctx, RequestRecord record, ResourceType type, string? ns, string name, TableOutput? output)
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
                var group = type.Group.Length == 0 ? "" : ",\"group\":\"" + type.Group + "\"";
                await Reject(ctx, record, 404, "NotFound", $"{type.Plural}{(type.Group.Length == 0 ? "" : "." + type.Group)} \"{name}\" not found", null,
                    ",\"name\":" + System.Text.Json.JsonSerializer.Serialize(name) + group + ",\"kind\":\"" + type.Plural + "\"").ConfigureAwait(false);
                return;
            }

            record.AddReturned(1);
            record.StatusCode = 200;
            ctx.Response.StatusCode = 200;
            if (output is not null)
            {
                await WriteAsync(ctx, output.Render(type, new[] { stored }, new V1ListMeta { ResourceVersion = stored.Rv.ToString(CultureInfo.InvariantCulture) }, withColumns: true), record, output.ContentType).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(ctx, stored.Json, record).ConfigureAwait(false);
            }
        }

        private async Task WatchAsync(HttpContext ctx, RequestRecord record, ResourceType type, string? ns, Selector fields, Selector labels, TableOutput? output)
        {
            record.ServedFrom = ServedFrom.Watch;
            Func<Stored, string>? render = null;
            if (output is not null)
            {
                // kube-apiserver sends the column definitions with the first event of a Table watch only.
                var first = 1;
                render = s => output.Render(type, new[] { s }, new V1ListMeta { ResourceVersion = s.Rv.ToString(CultureInfo.InvariantCulture) }, withColumns: Interlocked.Exchange(ref first, 0) == 1);
            }

            var watcher = new Watcher(type, ns, fields, labels, record.AllowWatchBookmarks, record, render);
            var rv = record.ResourceVersion;
            var expired = false;
            lock (gate)
            {
                if (record.SendInitialEvents && WatchList == WatchListSupport.Supported)
                {
                    // KEP-3157 with resourceVersionMatch=NotOlderThan: the current state as ADDED events (from the watch
                    // cache, at least as new as the requested resourceVersion), then the bookmark that ends them.
                    foreach (var s in objects.Values.Where(watcher.Matches).OrderBy(s => s.Rv))
                        watcher.SendObject("ADDED", s);
                    watcher.Send(BookmarkLine(type, resourceVersion, initialEventsEnd: true), isObject: false);
                }
                else if (string.IsNullOrEmpty(rv) || rv == "0")
                {
                    foreach (var s in objects.Values.Where(watcher.Matches).OrderBy(s => s.Rv))
                        watcher.SendObject("ADDED", s);
                }
                else if (!long.TryParse(rv, NumberStyles.Integer, CultureInfo.InvariantCulture, out var from) || from < compactedRv)
                {
                    expired = true;
                }
                else
                {
                    foreach (var (erv, etype, s, _) in history)
                    {
                        if (erv > from && watcher.Matches(s)) watcher.SendObject(etype, s);
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
            ctx.Response.ContentType = output?.ContentType ?? "application/json";
            var timeout = WatchTimeoutOverride ?? TimeSpan.FromSeconds(record.TimeoutSeconds ?? 1800);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, watcher.DropToken);
            cts.CancelAfter(timeout);
            var bookmarks = watcher.Bookmarks && BookmarkInterval is { } every ? SendBookmarksEvery(watcher, every, cts.Token) : Task.CompletedTask;
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
                await cts.CancelAsync().ConfigureAwait(false);
                try
                {
                    await bookmarks.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // the watch ended
                }
            }
        }

        // kube-apiserver sends a watch that allowed bookmarks one about every minute (and before it times out).
        private async Task SendBookmarksEvery(Watcher watcher, TimeSpan every, CancellationToken cancellationToken)
        {
            while (true)
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
                lock (gate)
                {
                    watcher.Send(BookmarkLine(watcher.Type, resourceVersion, initialEventsEnd: false), isObject: false);
                }
            }
        }

        private static async Task Reject(HttpContext ctx, RequestRecord record, int code, string reason, string message, int? retryAfterSeconds, string? details = null)
        {
            record.StatusCode = code;
            ctx.Response.StatusCode = code;
            await WriteAsync(ctx, StatusJson(code, reason, message, retryAfterSeconds, details), record).ConfigureAwait(false);
        }

        private static async Task WriteAsync(HttpContext ctx, string body, RequestRecord? record, string contentType = "application/json")
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            ctx.Response.ContentType = contentType;
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
            fields.Matches(k => s.Fields.TryGetValue(k, out var v) ? v : null) && labels.Matches(k => s.Labels.TryGetValue(k, out var v) ? v : null);

        private static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;

        private static string BookmarkLine(ResourceType type, long rv, bool initialEventsEnd) =>
            "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"" + type.Kind + "\",\"apiVersion\":\"" + type.ApiVersion +
            "\",\"metadata\":{\"resourceVersion\":\"" + rv.ToString(CultureInfo.InvariantCulture) + "\"" +
            (initialEventsEnd ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "") + "}}}";

        private static string EventLine(string type, string objectJson) => "{\"type\":\"" + type + "\",\"object\":" + objectJson + "}";

        // A meta.k8s.io Status in the API server's wire shape; details is a JSON fragment of further details members.
        private static string StatusJson(int code, string reason, string message, int? retryAfterSeconds, string? details = null)
        {
            // V1Status cannot be serialized by KubernetesJson (its converter only reads), so write the wire shape by hand.
            var members = (retryAfterSeconds is { } ra ? ",\"retryAfterSeconds\":" + ra.ToString(CultureInfo.InvariantCulture) : "") + (details ?? "");
            var detailsJson = members.Length == 0 ? "" : ",\"details\":{" + members[1..] + "}";
            return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":" +
                   System.Text.Json.JsonSerializer.Serialize(message, ReadableJson) + ",\"reason\":\"" + reason + "\"" + detailsJson +
                   ",\"code\":" + code.ToString(CultureInfo.InvariantCulture) + "}";
        }

        private static string EncodeToken(int generation, long rv, string lastKey, DateTimeOffset issued) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{generation}|{rv}|{issued.UtcTicks}|{lastKey}")));

        private static bool TryDecodeToken(string token, out int generation, out long rv, out string lastKey, out DateTimeOffset issued)
        {
            generation = 0;
            rv = 0;
            lastKey = "";
            issued = default;
            try
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 4);
                if (parts.Length != 4) return false;
                generation = int.Parse(parts[0], CultureInfo.InvariantCulture);
                rv = long.Parse(parts[1], CultureInfo.InvariantCulture);
                issued = new DateTimeOffset(long.Parse(parts[2], CultureInfo.InvariantCulture), TimeSpan.Zero);
                lastKey = parts[3];
                return true;
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException)
            {
                return false;
            }
        }
    }
}
