using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Resilience.Kubernetes.Testing
{
    /// <summary>
    /// What a set of requests cost the loopback API server: requests by verb and resource, objects the server
    /// processed (etcd: every object in the key range scanned; watch cache: the objects scanned, or only the matching
    /// ones through the pod <c>spec.nodeName</c> index; see <see cref="ServedFrom"/>), objects returned, response bytes
    /// and watch events. Take it with <see cref="FakeApiServer.Accounting(int)"/> after running the code under test.
    /// </summary>
    public sealed class RequestAccounting
    {
        internal RequestAccounting(IReadOnlyList<RequestRecord> requests)
        {
            Requests = requests;
        }

        /// <summary>The requests counted, in arrival order.</summary>
        public IReadOnlyList<RequestRecord> Requests { get; }

        /// <summary>Requests by "verb resource" (e.g. "list pods", "watch nodes", "get " for discovery documents), in first-seen order.</summary>
        public IReadOnlyDictionary<string, int> ByVerbAndResource =>
            Requests.GroupBy(r => r.Verb + " " + r.Resource).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        /// <summary>Objects the server processed to answer (the API server's cost; a LIST from etcd pays for every stored object in scope).</summary>
        public long ObjectsProcessed => Requests.Sum(r => r.ObjectsProcessed);

        /// <summary>Objects in the responses (list items, objects got by name, watch object events).</summary>
        public long ObjectsReturned => Requests.Sum(r => r.ObjectsReturned);

        /// <summary>Response body bytes.</summary>
        public long Bytes => Requests.Sum(r => r.Bytes);

        /// <summary>Watch events sent (objects, bookmarks and errors).</summary>
        public long WatchEvents => Requests.Sum(r => (long)r.EventsSent);

        /// <summary>Objects processed by LISTs served from etcd (the expensive path: KEP-2340).</summary>
        public long ObjectsProcessedFromEtcd => Requests.Where(r => r.ServedFrom == ServedFrom.Etcd).Sum(r => r.ObjectsProcessed);

        /// <summary>How many requests of <paramref name="verb"/> ("list", "watch", "get") on <paramref name="resource"/> (any when null).</summary>
        public int Count(string verb, string? resource = null) =>
            Requests.Count(r => r.Verb == verb && (resource is null || r.Resource == resource));

        /// <summary>One line per verb and resource with its requests, objects processed and returned, bytes and events: for assertion messages.</summary>
        public override string ToString()
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{Requests.Count} requests, {ObjectsProcessed} objects processed ({ObjectsProcessedFromEtcd} from etcd), {ObjectsReturned} returned, {Bytes} bytes, {WatchEvents} watch events");
            foreach (var group in Requests.GroupBy(r => (r.Verb, r.Resource)))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  {group.Key.Verb} {(group.Key.Resource.Length == 0 ? "(discovery)" : group.Key.Resource)}: {group.Count()} requests, {group.Sum(r => r.ObjectsProcessed)} processed, {group.Sum(r => r.ObjectsReturned)} returned, {group.Sum(r => r.Bytes)} bytes");
            }

            return text.ToString();
        }
    }
}
