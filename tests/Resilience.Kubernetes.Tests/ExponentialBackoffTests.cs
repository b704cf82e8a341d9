using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Resilience.Kubernetes.Tests
{
    public class ExponentialBackoffTests
    {
        [Fact]
        public void CeilingDoublesFrom800msAndCapsAt30s()
        {
            var time = new FakeTimeProvider();
            var backoff = new ExponentialBackoff(timeProvider: time, random: new FixedRandom(1.0));
            var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalMilliseconds).ToArray();
            Assert.Equal(new double[] { 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000 }, delays);
        }

        [Fact]
        public void FullJitterDrawsBetweenZeroAndTheCeiling()
        {
            var time = new FakeTimeProvider();
            Assert.Equal(TimeSpan.Zero, new ExponentialBackoff(timeProvider: time, random: new FixedRandom(0.0)).Next());
            var half = new ExponentialBackoff(timeProvider: time, random: new FixedRandom(0.5));
            Assert.Equal(TimeSpan.FromMilliseconds(400), half.Next());
            Assert.Equal(TimeSpan.FromMilliseconds(800), half.Next());
            var seeded = new ExponentialBackoff(timeProvider: time, random: new Random(42));
            for (var i = 0; i < 50; i++)
            {
                var ceiling = seeded.CurrentCeiling;
                var d = seeded.Next();
                Assert.InRange(d, TimeSpan.Zero, ceiling);
            }
        }

        [Fact]
        public void ResetsAfterTwoMinutesWithoutBackoffAndOnReset()
        {
            var time = new FakeTimeProvider();
            var backoff = new ExponentialBackoff(timeProvider: time, random: new FixedRandom(1.0));
            backoff.Next();
            backoff.Next();
            Assert.Equal(TimeSpan.FromMilliseconds(3200), backoff.CurrentCeiling);
            time.Advance(TimeSpan.FromSeconds(119));
            Assert.Equal(TimeSpan.FromMilliseconds(3200), backoff.Next());
            time.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(TimeSpan.FromMilliseconds(800), backoff.Next());
            backoff.Reset();
            Assert.Equal(0, backoff.Attempt);
            Assert.Equal(TimeSpan.FromMilliseconds(800), backoff.Next());
        }

        [Fact]
        public async Task DelayWaitsOnTheInjectedClockAndHonoursAFloor()
        {
            var time = new FakeTimeProvider();
            var backoff = new ExponentialBackoff(timeProvider: time, random: new FixedRandom(0.5));
            var wait = backoff.DelayAsync(atLeast: TimeSpan.FromSeconds(5), cancellationToken: CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(4.9));
            Assert.False(wait.IsCompleted);
            time.Advance(TimeSpan.FromSeconds(0.1));
            Assert.Equal(TimeSpan.FromSeconds(5), await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        }
    }
}
