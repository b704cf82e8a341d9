using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Resilience.Kubernetes.Hosting
{
    /// <summary>
    /// Readiness of the shared informers: Unhealthy until every informer created so far has synced, Degraded while
    /// one is backing off, Healthy otherwise. Its data holds one entry per informer scope: <c>synced</c>,
    /// <c>not synced</c>, or the backoff (<c>backing off 1.6 s: 500: …</c>), so a probe's output says why.
    /// </summary>
    public sealed class KubernetesInformersHealthCheck : IHealthCheck
    {
        private readonly SharedInformerFactory factory;

        /// <summary>Creates the check over <paramref name="factory"/>'s informers.</summary>
        public KubernetesInformersHealthCheck(SharedInformerFactory factory) => this.factory = factory ?? throw new ArgumentNullException(nameof(factory));

        /// <inheritdoc />
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var data = new Dictionary<string, object>(StringComparer.Ordinal);
            var unsynced = new List<string>();
            var backingOff = new List<string>();
            foreach (var (key, informer) in factory.Informers)
            {
                var name = key.ToString();
                var backoff = informer.CurrentBackoff;
                var state = informer.HasSynced ? "synced" : "not synced";
                if (backoff is { } b)
                {
                    state += string.Format(CultureInfo.InvariantCulture, ", backing off {0:0.###} s: {1}", b.Delay.TotalSeconds, InformerTelemetry.Reason(b.Reason));
                    backingOff.Add(name);
                }

                if (!informer.HasSynced) unsynced.Add(name);
                data[name] = state;
            }

            var result = unsynced.Count > 0
                ? new HealthCheckResult(context.Registration.FailureStatus, "Not synced: " + string.Join("; ", unsynced), data: data)
                : backingOff.Count > 0
                    ? HealthCheckResult.Degraded("Backing off: " + string.Join("; ", backingOff), data: data)
                    : HealthCheckResult.Healthy($"{data.Count} informer(s) synced", data);
            return Task.FromResult(result);
        }
    }
}
