using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Resilience.Kubernetes
{
    /// <summary>
    /// A WATCH of a custom-object collection with every <see cref="ListOptions"/> parameter, <c>sendInitialEvents</c>
    /// included, which the client's custom-object operations cannot send (KubernetesClient 21.x). Everything else is
    /// the client's: its <c>HttpClient</c> (handlers, TLS), its credentials (bearer token, exec
    /// plugins) applied as its own requests apply them, its <see cref="KubernetesJson"/> settings and its watch-line
    /// reader (<see cref="Watcher{T}"/>, which reports ERROR events as <see cref="KubernetesException"/>).
    /// </summary>
    internal static class StreamingWatch
    {
        /// <summary>The collection path of a custom resource, relative to the client's base URI.</summary>
        public static string CustomObjectsPath(string group, string version, string plural, string? @namespace)
        {
            if (string.IsNullOrEmpty(group)) throw new ArgumentException("A group is required.", nameof(group));
            if (string.IsNullOrEmpty(version)) throw new ArgumentException("A version is required.", nameof(version));
            if (string.IsNullOrEmpty(plural)) throw new ArgumentException("A plural is required.", nameof(plural));
            var prefix = "apis/" + Uri.EscapeDataString(group) + "/" + Uri.EscapeDataString(version) + "/";
            return @namespace is null
                ? prefix + Uri.EscapeDataString(plural)
                : prefix + "namespaces/" + Uri.EscapeDataString(@namespace) + "/" + Uri.EscapeDataString(plural);
        }

        /// <summary>The query string of a WATCH with <paramref name="options"/> (<c>watch=true</c> first).</summary>
        public static string Query(ListOptions options)
        {
            var query = new StringBuilder("?watch=true");
            void Add(string name, string? value)
            {
                if (value is null) return;
                query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }

            static string? Bool(bool? value) => value is { } b ? (b ? "true" : "false") : null;
            Add("allowWatchBookmarks", Bool(options.AllowWatchBookmarks));
            Add("continue", options.Continue);
            Add("fieldSelector", options.FieldSelector);
            Add("labelSelector", options.LabelSelector);
            Add("limit", options.Limit?.ToString(CultureInfo.InvariantCulture));
            Add("resourceVersion", options.ResourceVersion);
            Add("resourceVersionMatch", options.ResourceVersionMatch);
            Add("sendInitialEvents", Bool(options.SendInitialEvents));
            Add("timeoutSeconds", options.TimeoutSeconds?.ToString(CultureInfo.InvariantCulture));
            return query.ToString();
        }

        /// <summary>
        /// Opens the watch and streams its events. A non-success HTTP status throws <see cref="HttpOperationException"/>
        /// carrying the response and its Status body, as the client's operations do; ERROR events and read failures go
        /// to <paramref name="onError"/>; the stream ends when the server closes it.
        /// </summary>
        public static async IAsyncEnumerable<(WatchEventType Type, TItem Object)> WatchAsync<TItem>(
            IKubernetes client,
            string path,
            ListOptions options,
            Action<Exception> onError,
            [EnumeratorCancellation] CancellationToken cancellationToken)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
        {
            if (client is not k8s.Kubernetes kubernetes)
            {
                throw new NotSupportedException(
                    "A streaming watch of custom objects needs a k8s.Kubernetes client (its HttpClient and credentials); got " + client.GetType().Name + ".");
            }

            // As the client builds its requests (Kubernetes.CreateRequest): HTTP/2 asked for, downgraded by the handler when unavailable.
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(kubernetes.BaseUri, path + Query(options with { Watch = true })))
            {
                Version = HttpVersion.Version20,
            };
            if (kubernetes.Credentials is { } credentials)
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }

            using var response = await kubernetes.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}'")
                {
                    Request = new HttpRequestMessageWrapper(request, null),
                    Response = new HttpResponseMessageWrapper(response, body),
                };
            }

            var events = Channel.CreateUnbounded<(WatchEventType Type, TItem Object)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            using var watcher = new Watcher<TItem>(
                () => Task.FromResult<TextReader>(reader),
                (type, item) => events.Writer.TryWrite((type, item)),
                onError,
                () => events.Writer.TryComplete());
            await foreach (var next in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return next;
            }
        }
    }
}
