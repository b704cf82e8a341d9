using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;
using DnsClient.Protocol;

namespace Resilience.Dns.DnsClient;

/// <summary>
/// An <see cref="IDnsBackend"/> that queries DNS servers directly with DnsClient.NET's <see cref="LookupClient"/>:
/// A and AAAA in parallel, answers cached for their records' TTL, negative answers for their SOA's negative TTL
/// (RFC 2308). DnsClient's own cache is off: its entries are deleted on expiry, so a lookup after expiry throws while
/// DNS is down (facts.md, "DNS"); <see cref="CachedDnsResolver"/> caches instead and serves stale answers.
/// </summary>
public sealed class DnsClientBackend : IDnsBackend
{
    private readonly ILookupClient _client;

    /// <summary>Queries the given name servers (DnsClient's defaults otherwise: 5 s timeout, 2 retries, TCP fallback), without DnsClient's cache.</summary>
    /// <param name="nameServers">One or more DNS servers, e.g. <c>new IPEndPoint(IPAddress.Loopback, 53)</c>.</param>
    /// <exception cref="ArgumentException">No name server given.</exception>
    public DnsClientBackend(params IPEndPoint[] nameServers)
        : this(CreateOptions(nameServers))
    {
    }

    /// <summary>Queries with the given DnsClient settings, which must have <see cref="DnsQueryOptions.UseCache"/> off.</summary>
    /// <param name="options">DnsClient settings (servers, timeout, retries…).</param>
    /// <exception cref="ArgumentException"><see cref="DnsQueryOptions.UseCache"/> is on, or <see cref="DnsQueryOptions.ThrowDnsErrors"/> is on.</exception>
    public DnsClientBackend(LookupClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.UseCache)
        {
            throw new ArgumentException(
                "LookupClientOptions.UseCache must be false: CachedDnsResolver caches answers itself, and DnsClient's cache would shorten the TTLs it sees.",
                nameof(options));
        }

        if (options.ThrowDnsErrors)
        {
            throw new ArgumentException(
                "LookupClientOptions.ThrowDnsErrors must be false: the backend reads NXDOMAIN from the response to tell 'no such name' from a failure.",
                nameof(options));
        }

        _client = new LookupClient(options);
    }

    /// <inheritdoc />
    /// <exception cref="DnsResponseException">The server did not answer, or answered with an error other than NXDOMAIN (SERVFAIL, REFUSED…).</exception>
    public async ValueTask<DnsBackendResult> QueryAsync(string host, CancellationToken cancellationToken)
    {
        Task<IDnsQueryResponse> v4 = _client.QueryAsync(host, QueryType.A, QueryClass.IN, cancellationToken);
        Task<IDnsQueryResponse> v6 = _client.QueryAsync(host, QueryType.AAAA, QueryClass.IN, cancellationToken);
        IDnsQueryResponse[] responses;
        try
        {
            responses = await Task.WhenAll(v4, v6).ConfigureAwait(false);
        }
        finally
        {
            // Observe both, so the second failure is not left unobserved when the first one is thrown.
            _ = v4.Exception;
            _ = v6.Exception;
        }

        List<IPAddress> addresses = [];
        List<ResourceRecordInfo> answerRecords = [];
        bool nameDoesNotExist = false;
        foreach (IDnsQueryResponse response in responses)
        {
            switch (response.Header.ResponseCode)
            {
                case DnsHeaderResponseCode.NoError:
                    addresses.AddRange(response.Answers.OfType<AddressRecord>().Select(r => r.Address));
                    answerRecords.AddRange(response.Answers);
                    break;
                case DnsHeaderResponseCode.NotExistentDomain:
                    nameDoesNotExist = true;
                    break;
                default:
                    throw new DnsResponseException(
                        (DnsResponseCode)response.Header.ResponseCode,
                        $"DNS server {response.NameServer} answered {response.Header.ResponseCode} for '{host}' ({response.Questions.FirstOrDefault()?.QuestionType}).");
            }
        }

        if (nameDoesNotExist || addresses.Count == 0)
        {
            return DnsBackendResult.NotFound(NegativeTtl(responses));
        }

        // The answer is as fresh as its shortest-lived record, CNAMEs in the chain included (RFC 2181 §5.2 spirit).
        int ttlSeconds = answerRecords.Min(r => r.TimeToLive);
        return DnsBackendResult.Answer(addresses, TimeSpan.FromSeconds(Math.Max(0, ttlSeconds)));
    }

    private static TimeSpan? NegativeTtl(IEnumerable<IDnsQueryResponse> responses)
    {
        // RFC 2308 §5: a negative answer is cached for min(SOA TTL, SOA MINIMUM).
        SoaRecord? soa = responses.SelectMany(r => r.Authorities).OfType<SoaRecord>().FirstOrDefault();
        return soa is null ? null : TimeSpan.FromSeconds(Math.Max(0, Math.Min((long)soa.TimeToLive, soa.Minimum)));
    }

    private static LookupClientOptions CreateOptions(IPEndPoint[] nameServers)
    {
        ArgumentNullException.ThrowIfNull(nameServers);
        if (nameServers.Length == 0)
        {
            throw new ArgumentException("At least one name server endpoint is required.", nameof(nameServers));
        }

        return new LookupClientOptions(nameServers) { UseCache = false, ThrowDnsErrors = false };
    }
}
