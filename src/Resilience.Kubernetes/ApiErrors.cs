using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using k8s;
using k8s.Autorest;

namespace Resilience.Kubernetes
{
    /// <summary>Classifies errors thrown by the KubernetesClient.</summary>
    public static class ApiErrors
    {
        /// <summary>The HTTP status (or the code of a Status object in a watch stream) carried by <paramref name="exception"/>.</summary>
        public static int? StatusCode(Exception? exception)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                switch (e)
                {
                    case HttpOperationException http when http.Response is not null:
                        return (int)http.Response.StatusCode;
                    case KubernetesException k8s when k8s.Status?.Code is int code:
                        return code;
                }
            }

            return null;
        }

        /// <summary>410 Gone / Expired: the resourceVersion or continue token is too old (etcd compaction).</summary>
        public static bool IsGone(Exception? exception) => StatusCode(exception) == (int)HttpStatusCode.Gone;

        /// <summary>429 Too Many Requests (API Priority and Fairness rejected the request).</summary>
        public static bool IsTooManyRequests(Exception? exception) => StatusCode(exception) == 429;

        /// <summary>
        /// The server's Retry-After (429 and 503 carry it; the API server sends 1 s), from the HTTP header or from
        /// <c>status.details.retryAfterSeconds</c>.
        /// </summary>
        public static TimeSpan? RetryAfter(Exception? exception, DateTimeOffset now)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                if (e is HttpOperationException http && http.Response?.Headers is { } headers)
                {
                    foreach (var pair in headers)
                    {
                        if (!string.Equals(pair.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)) continue;
                        var value = pair.Value?.FirstOrDefault()?.Trim();
                        if (value is null) continue;
                        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                            return TimeSpan.FromSeconds(seconds);
                        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                            return at > now ? at - now : TimeSpan.Zero;
                    }
                }

                if (e is KubernetesException k8s && k8s.Status?.Details?.RetryAfterSeconds is int s && s >= 0)
                    return TimeSpan.FromSeconds(s);
            }

            return null;
        }

        /// <summary>
        /// True when a watch stream ended before its first line: the client's watch reader peeks the first line
        /// while opening the response and reports an empty stream as <see cref="EndOfStreamException"/>.
        /// </summary>
        internal static bool IsEmptyStream(Exception? exception)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                if (e is EndOfStreamException) return true;
            }

            return false;
        }
    }
}
