using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>
    /// A clock that runs <see cref="Scale"/> times faster than real time: timers fire after due/scale of real time and
    /// <see cref="GetUtcNow"/> advances scale seconds per real second. The informer's backoff (0.8 s → 30 s) and Retry-After
    /// (1 s) keep their client-go values and ratios, but a property test with hundreds of faults
    /// finishes in seconds. Unlike a manually advanced fake clock it needs no coordination with the HTTP traffic.
    /// </summary>
    internal sealed class ScaledTimeProvider : TimeProvider
    {
        private readonly DateTimeOffset start = DateTimeOffset.UtcNow;
        private readonly long startTimestamp = Stopwatch.GetTimestamp();

        public ScaledTimeProvider(double scale)
        {
            if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale));
            Scale = scale;
        }

        public double Scale { get; }

        public override DateTimeOffset GetUtcNow() => start + Stopwatch.GetElapsedTime(startTimestamp) * Scale;

        public override long GetTimestamp() => startTimestamp + (long)((Stopwatch.GetTimestamp() - startTimestamp) * Scale);

        public override long TimestampFrequency => Stopwatch.Frequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new ScaledTimer(System.CreateTimer(callback, state, Shrink(dueTime), Shrink(period)), this);

        private TimeSpan Shrink(TimeSpan t) => t == Timeout.InfiniteTimeSpan || t <= TimeSpan.Zero ? t : t / Scale;

        private sealed class ScaledTimer : ITimer
        {
            private readonly ITimer inner;
            private readonly ScaledTimeProvider owner;

            public ScaledTimer(ITimer inner, ScaledTimeProvider owner)
            {
                this.inner = inner;
                this.owner = owner;
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(owner.Shrink(dueTime), owner.Shrink(period));

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
