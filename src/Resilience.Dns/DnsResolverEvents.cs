using System;
using System.Collections.Generic;
using System.Net;

namespace Resilience.Dns;

/// <summary>Why a stale answer was served.</summary>
public enum DnsStaleReason
{
    /// <summary>The backend lookup failed (timeout, unreachable server, SERVFAIL…).</summary>
    BackendFailed,

    /// <summary>The backend did not answer within <see cref="CachedDnsResolverOptions.ClientResponseTimeout"/>; the lookup goes on in the background.</summary>
    BackendSlow,

    /// <summary>A recent lookup failed and <see cref="CachedDnsResolverOptions.FailureRecheckInterval"/> has not elapsed, so the backend was not asked.</summary>
    FailureRecheckPending,

    /// <summary>The backend said the name has no address and <see cref="CachedDnsResolverOptions.KeepLastGoodAnswerOnNegative"/> is on.</summary>
    NegativeAnswer,
}

/// <summary>Describes one stale answer handed to a caller.</summary>
public sealed class DnsStaleAnswerEventArgs : EventArgs
{
    internal DnsStaleAnswerEventArgs(string host, IReadOnlyList<IPAddress> addresses, TimeSpan staleFor, DnsStaleReason reason, Exception? lastError)
    {
        Host = host;
        Addresses = addresses;
        StaleFor = staleFor;
        Reason = reason;
        LastError = lastError;
    }

    /// <summary>The name looked up (lower case).</summary>
    public string Host { get; }

    /// <summary>The stale addresses served.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>How long ago the answer expired (zero or more).</summary>
    public TimeSpan StaleFor { get; }

    /// <summary>Why the answer was stale.</summary>
    public DnsStaleReason Reason { get; }

    /// <summary>The last backend failure for this name, if any.</summary>
    public Exception? LastError { get; }
}

/// <summary>Describes one failed backend lookup.</summary>
public sealed class DnsBackendFailureEventArgs : EventArgs
{
    internal DnsBackendFailureEventArgs(string host, Exception exception)
    {
        Host = host;
        Exception = exception;
    }

    /// <summary>The name looked up (lower case).</summary>
    public string Host { get; }

    /// <summary>What the backend threw (a <see cref="TimeoutException"/> when it exceeded <see cref="CachedDnsResolverOptions.BackendTimeout"/>).</summary>
    public Exception Exception { get; }
}
