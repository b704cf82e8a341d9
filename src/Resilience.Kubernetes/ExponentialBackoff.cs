using System;
using System.Threading;
using System.Threading.Tasks;

namespace Resilience.Kubernetes
{
    /// <summary>
    /// Exponential backoff with full jitter ("sleep = random(0, min(max, initial * factor^attempt))").
    /// Defaults follow client-go's reflector backoff manager: 0.8 s initial, factor 2, 30 s cap, reset after
    /// 2 minutes without a backoff (client-go: <c>NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0)</c>).
    /// client-go jitters up by up to 100 % ([d, 2d)); this class uses full jitter ([0, d]), which spreads a fleet of
    /// agents that failed at the same moment over the whole window instead of bunching them at its start.
    /// Thread-safe. All time comes from the injected <see cref="TimeProvider"/>, all randomness from the injected
    /// <see cref="Random"/>, so tests are deterministic.
    /// </summary>
    public sealed class ExponentialBackoff
    {
        /// <summary>client-go reflector: initial backoff 800 ms.</summary>
        public static readonly TimeSpan DefaultInitial = TimeSpan.FromMilliseconds(800);

        /// <summary>client-go reflector: backoff cap 30 s.</summary>
        public static readonly TimeSpan DefaultMax = TimeSpan.FromSeconds(30);

        /// <summary>client-go reflector: factor 2.</summary>
        public const double DefaultFactor = 2.0;

        /// <summary>client-go reflector: the backoff resets after 2 minutes without a failure.</summary>
        public static readonly TimeSpan DefaultResetAfter = TimeSpan.FromMinutes(2);

        private readonly object gate = new();
        private readonly TimeProvider timeProvider;
        private readonly Random random;
        private int attempt;
        private DateTimeOffset? lastBackoffAt;

        /// <summary>Creates a backoff policy. Unset arguments take the client-go defaults.</summary>
        public ExponentialBackoff(
            TimeSpan? initial = null,
            TimeSpan? max = null,
            double factor = DefaultFactor,
            TimeSpan? resetAfter = null,
            TimeProvider? timeProvider = null,
            Random? random = null)
        {
            Initial = initial ?? DefaultInitial;
            Max = max ?? DefaultMax;
            Factor = factor;
            ResetAfter = resetAfter ?? DefaultResetAfter;
            if (Initial <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(initial), "must be positive");
            if (Max < Initial) throw new ArgumentOutOfRangeException(nameof(max), "must be at least the initial delay");
            if (factor < 1.0 || double.IsNaN(factor) || double.IsInfinity(factor)) throw new ArgumentOutOfRangeException(nameof(factor), "must be >= 1");
            if (ResetAfter <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(resetAfter), "must be positive");
            this.timeProvider = timeProvider ?? TimeProvider.System;
            this.random = random ?? new Random();
        }

        /// <summary>First ceiling.</summary>
        public TimeSpan Initial { get; }

        /// <summary>Largest ceiling.</summary>
        public TimeSpan Max { get; }

        /// <summary>Growth factor per attempt.</summary>
        public double Factor { get; }

        /// <summary>A call to <see cref="Next"/> this long after the previous one starts again from <see cref="Initial"/>.</summary>
        public TimeSpan ResetAfter { get; }

        /// <summary>Backoffs taken since the last reset.</summary>
        public int Attempt
        {
            get { lock (gate) { return attempt; } }
        }

        /// <summary>The ceiling the next call to <see cref="Next"/> draws under (ignoring a pending reset).</summary>
        public TimeSpan CurrentCeiling
        {
            get { lock (gate) { return Ceiling(attempt); } }
        }

        /// <summary>Returns the next delay, uniformly drawn from [0, ceiling], and grows the ceiling.</summary>
        public TimeSpan Next()
        {
            lock (gate)
            {
                var now = timeProvider.GetUtcNow();
                if (lastBackoffAt is { } last && now - last >= ResetAfter)
                {
                    attempt = 0;
                }

                var ceiling = Ceiling(attempt);
                if (attempt < 1000) attempt++; // only keeps the counter from overflowing: 2^1000 × initial is far past any cap
                lastBackoffAt = now;
                var fraction = random.NextDouble();
                if (fraction < 0) fraction = 0;
                if (fraction > 1) fraction = 1;
                return TimeSpan.FromTicks((long)(ceiling.Ticks * fraction));
            }
        }

        /// <summary>Starts again from <see cref="Initial"/>.</summary>
        public void Reset()
        {
            lock (gate)
            {
                attempt = 0;
                lastBackoffAt = null;
            }
        }

        /// <summary>Waits <see cref="Next"/> (or <paramref name="atLeast"/>, whichever is longer) on the injected clock.</summary>
        public async Task<TimeSpan> DelayAsync(TimeSpan? atLeast = null, CancellationToken cancellationToken = default)
        {
            var delay = Next();
            if (atLeast is { } floor && floor > delay) delay = floor;
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            return delay;
        }

        private TimeSpan Ceiling(int n)
        {
            var ticks = Initial.Ticks * Math.Pow(Factor, n);
            if (double.IsNaN(ticks) || ticks >= Max.Ticks) return Max;
            return TimeSpan.FromTicks((long)ticks);
        }
    }
}
