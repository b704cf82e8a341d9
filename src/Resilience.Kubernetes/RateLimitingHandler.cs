using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace Resilience.Kubernetes
{
    /// <summary>Settings of <see cref="RateLimitingHandler"/>; the defaults are client-go's.</summary>
    public sealed class RateLimitingOptions
    {
        /// <summary>client-go <c>rest.DefaultQPS</c> = 5 (k8s.io/client-go/rest/config.go): requests per second, sustained.</summary>
        public const double DefaultQueriesPerSecond = 5;

        /// <summary>client-go <c>rest.DefaultBurst</c> = 10 (k8s.io/client-go/rest/config.go): requests allowed at once after a quiet spell.</summary>
        public const int DefaultBurst = 10;

        /// <summary>client-go retries a request the server asked to wait for up to 10 times (<c>maxRetries</c> in k8s.io/client-go/rest/request.go).</summary>
        public const int DefaultMaxRetries = 10;

        /// <summary>Sustained requests per second of one handler (one client). Default 5.</summary>
        public double QueriesPerSecond { get; set; } = DefaultQueriesPerSecond;

        /// <summary>Token bucket size: how many requests may go at once after a quiet spell. Default 10.</summary>
        public int Burst { get; set; } = DefaultBurst;

        /// <summary>How many times a 429 (or 5xx) with <c>Retry-After</c> is retried after the server's delay. 0 = never. Default 10.</summary>
        public int MaxRetries { get; set; } = DefaultMaxRetries;

        /// <summary>
        /// A limiter to share, e.g. one per process for several clients; the handler then neither builds nor disposes its
        /// own, and <see cref="QueriesPerSecond"/>/<see cref="Burst"/> are not used.
        /// </summary>
        public RateLimiter? Limiter { get; set; }

        /// <summary>Clock for the Retry-After waits (tests use a fake one). The token bucket runs on real time.</summary>
        public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

        internal void Validate()
        {
            if (Limiter is null)
            {
                if (!(QueriesPerSecond > 0) || double.IsInfinity(QueriesPerSecond))
                {
                    throw new ArgumentOutOfRangeException(nameof(QueriesPerSecond), QueriesPerSecond, "QueriesPerSecond must be a finite number above 0 (client-go's default is 5).");
                }

                if (Burst < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(Burst), Burst, "Burst must be at least 1 (client-go's default is 10).");
                }
            }

            if (MaxRetries < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries must be 0 or more (client-go's default is 10).");
            }

            if (TimeProvider is null)
            {
                throw new ArgumentNullException(nameof(TimeProvider), "TimeProvider must not be null.");
            }
        }
    }

    /// <summary>
    /// Client-side rate limiting for the Kubernetes client, which has none (facts.md): a token bucket
    /// (<see cref="TokenBucketRateLimiter"/>, client-go's defaults of 5 requests per second with a burst of 10) that every
    /// request — retries included — waits for, and the server's <c>Retry-After</c> honoured on 429 Too Many Requests and on
    /// 5xx, as client-go's <c>checkWait</c> does (k8s.io/client-go/rest/request.go): wait the given seconds, then send
    /// again, at most <see cref="RateLimitingOptions.MaxRetries"/> times. A response without <c>Retry-After</c> is returned
    /// as is. Without it a per-node agent in a hot loop or a tight retry sends as fast as the API server answers, from
    /// every node.
    /// </summary>
    /// <example><code>var client = new k8s.Kubernetes(config, new RateLimitingHandler());</code></example>
    /// <remarks>
    /// The limit is per handler, so per client, as in client-go (one <c>rest.Config</c>, one limiter); pass
    /// <see cref="RateLimitingOptions.Limiter"/> to share one across clients. A watch takes one token when it starts.
    /// Requests are resent as they are: the Kubernetes client's bodies are buffered JSON.
    /// </remarks>
    public sealed class RateLimitingHandler : DelegatingHandler
    {
        private readonly RateLimiter limiter;
        private readonly int maxRetries;
        private readonly TimeProvider time;
        private long throttled;
        private long retries;

        /// <summary>Creates the handler with client-go's defaults, or <paramref name="options"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">An option is out of range (its name and the allowed range in the message).</exception>
        public RateLimitingHandler(RateLimitingOptions? options = null)
        {
            options ??= new RateLimitingOptions();
            options.Validate();
            maxRetries = options.MaxRetries;
            time = options.TimeProvider;
            if (options.Limiter is { } shared)
            {
                limiter = shared;
                return;
            }

            // At most 10 replenishments a second, each of a whole number of tokens: 5 QPS → 1 token every 200 ms.
            int tokensPerPeriod = (int)Math.Max(1, Math.Ceiling(options.QueriesPerSecond / 10));
            TimeSpan period = TimeSpan.FromSeconds(tokensPerPeriod / options.QueriesPerSecond);
            limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.Burst,
                TokensPerPeriod = tokensPerPeriod,
                ReplenishmentPeriod = period,
                // The limiter's own timer, on real time: TokenBucketRateLimiter measures replenishment periods with its own
                // clock even when replenished by hand, so a TimeProvider could not drive it.
                AutoReplenishment = true,
                // client-go's limiter blocks the caller until a token is free (flowcontrol token bucket Wait); so do we, in order.
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
            OwnsLimiter = true;
        }

        private bool OwnsLimiter { get; }

        /// <summary>Requests that had to wait for a token.</summary>
        public long ThrottledRequests => Interlocked.Read(ref throttled);

        /// <summary>Requests sent again after a <c>Retry-After</c>.</summary>
        public long Retries => Interlocked.Read(ref retries);

        /// <inheritdoc />
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            for (int attempt = 0; ; attempt++)
            {
                await AcquireAsync(cancellationToken).ConfigureAwait(false);
                HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (attempt >= maxRetries || !(ServerAskedToWait(response, time.GetUtcNow()) is TimeSpan wait))
                {
                    return response;
                }

                response.Dispose();
                Interlocked.Increment(ref retries);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// The server's delay for a 429 or 5xx that carries <c>Retry-After</c> (seconds, or an HTTP date), as client-go's
        /// <c>checkWait</c>; null when the response is not to be retried.
        /// </summary>
        internal static TimeSpan? ServerAskedToWait(HttpResponseMessage response, DateTimeOffset now)
        {
            int status = (int)response.StatusCode;
            if (status != (int)HttpStatusCode.TooManyRequests && (status < 500 || status > 599))
            {
                return null;
            }

            var retryAfter = response.Headers.RetryAfter;
            if (retryAfter?.Delta is TimeSpan delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (retryAfter?.Date is DateTimeOffset date)
            {
                return date > now ? date - now : TimeSpan.Zero;
            }

            return null;
        }

        private async ValueTask AcquireAsync(CancellationToken cancellationToken)
        {
            using (RateLimitLease immediate = limiter.AttemptAcquire(1))
            {
                if (immediate.IsAcquired)
                {
                    return;
                }
            }

            Interlocked.Increment(ref throttled);
            using RateLimitLease lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            if (!lease.IsAcquired)
            {
                throw new InvalidOperationException("The Kubernetes client's rate limiter refused the request (its queue is full or it was disposed).");
            }
        }

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (disposing && OwnsLimiter)
            {
                limiter.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
