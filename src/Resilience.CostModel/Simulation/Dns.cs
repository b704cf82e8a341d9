using System;

namespace Resilience.CostModel.Simulation
{
    /// <summary>
    /// Share of cluster-name lookups that fail a given time after the control plane was lost.
    /// <para>Backend: stock CoreDNS keeps answering from its last view while running [P]; only the share of its pods
    /// that restarted since the loss fails (<see cref="DnsSpec.CoreDnsRestartsPerHour"/>). With
    /// <see cref="DnsBackendDuringOutage.Fails"/> (the incident) no backend answer is available.</para>
    /// <para>Caches: each name was refreshed at a uniformly random moment of its TTL, so a layer with TTL L and
    /// serve-stale S still holds an answer for the name τ after the loss with probability clamp(1 − max(0, τ − S) / L).
    /// A cache never keeps an answer longer than the layer below gave it, so the longest-lived layer bounds the window.</para>
    /// <para>A client-side serve-stale cache answers every name it has resolved before, until its max-stale (RFC 8767).</para>
    /// </summary>
    public static class DnsModel
    {
        public static double FailureFraction(DnsSpec dns, double secondsSinceLoss)
        {
            if (dns is null) throw new ArgumentNullException(nameof(dns));
            if (secondsSinceLoss < 0) return 0;
            if (dns.ClientServeStale && secondsSinceLoss <= dns.ClientMaxStaleSeconds) return 0;

            double backendAnswers = dns.Backend == DnsBackendDuringOutage.Fails
                ? 0
                : 1 - Math.Min(1, secondsSinceLoss * dns.CoreDnsRestartsPerHour / 3600);

            double cached = 0;
            foreach (var layer in dns.Layers)
            {
                double covered = 1 - (Math.Max(0, secondsSinceLoss - layer.ServeStaleSeconds) / layer.TtlSeconds);
                cached = Math.Max(cached, Math.Max(0, Math.Min(1, covered)));
            }

            return (1 - backendAnswers) * (1 - cached);
        }
    }

    /// <summary>SplitMix64: a tiny, portable, seeded generator, so a seed gives the same run on every runtime.</summary>
    internal sealed class SplitMix64
    {
        private ulong state;

        public SplitMix64(ulong seed) => state = seed;

        public ulong NextULong()
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, 1).</summary>
        public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

        public double Uniform(double min, double max) => min + ((max - min) * NextDouble());
    }
}
