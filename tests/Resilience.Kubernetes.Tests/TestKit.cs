using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Resilience.Kubernetes.Tests
{
    internal static class TestKit
    {
        /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="timeoutMs"/> (bounded, no fixed sleeps).</summary>
        public static async Task Eventually(Func<bool> condition, string because, int timeoutMs = 10_000)
        {
            var sw = Stopwatch.StartNew();
            while (!condition())
            {
                if (sw.ElapsedMilliseconds > timeoutMs) Assert.Fail("Timed out waiting until " + because);
                await Task.Delay(10);
            }
        }

        /// <summary>As above, with a message computed on failure (e.g. the server's request log).</summary>
        public static async Task Eventually(Func<bool> condition, Func<string> because, int timeoutMs = 10_000)
        {
            var sw = Stopwatch.StartNew();
            while (!condition())
            {
                if (sw.ElapsedMilliseconds > timeoutMs) Assert.Fail("Timed out waiting until " + because());
                await Task.Delay(10);
            }
        }

        public static CancellationToken Timeout(int seconds = 10) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

        /// <summary>
        /// Short backoffs, fixed jitter, and LIST then WATCH: these tests are about the list/watch path (the requests
        /// they count are LISTs); the streaming list (the default) is tested in <c>StreamingListTests</c>.
        /// </summary>
        public static InformerOptions FastOptions(double jitter = 0.5) => new()
        {
            StreamingInitialList = false,
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
            Random = new FixedRandom(jitter),
        };
    }

    /// <summary>A <see cref="Random"/> whose NextDouble always returns the same value.</summary>
    internal sealed class FixedRandom : Random
    {
        private readonly double value;

        public FixedRandom(double value) => this.value = value;

        public override double NextDouble() => value;

        protected override double Sample() => value;
    }
}
