using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Resilience.Dns;

/// <summary>
/// One answer's addresses, split by family once when the answer arrives, with read-only wrappers that every caller of
/// the shared path (<see cref="CachedDnsResolver.ResolveSharedAsync(string, CancellationToken)"/>,
/// <see cref="CachedDnsResolver.TryGetCached(string, out IReadOnlyList{IPAddress})"/>) receives: a cache hit allocates nothing.
/// The arrays are never handed out; <see cref="Copy"/> gives callers of the array API their own copy.
/// </summary>
internal sealed class AddressSet
{
    private static readonly IPAddress[] NoAddresses = [];
    private static readonly ReadOnlyCollection<IPAddress> NoAddressList = Array.AsReadOnly(NoAddresses);

    private readonly IPAddress[] _all;
    private readonly IPAddress[] _v4;
    private readonly IPAddress[] _v6;
    private readonly ReadOnlyCollection<IPAddress> _allList;
    private readonly ReadOnlyCollection<IPAddress> _v4List;
    private readonly ReadOnlyCollection<IPAddress> _v6List;

    /// <param name="addresses">Owned by the set from now on: the caller must not keep or change it.</param>
    public AddressSet(IPAddress[] addresses)
    {
        _all = addresses;
        _allList = addresses.Length == 0 ? NoAddressList : Array.AsReadOnly(addresses);
        int v4 = 0;
        int v6 = 0;
        foreach (IPAddress address in addresses)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                v4++;
            }
            else if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                v6++;
            }
        }

        (_v4, _v4List) = Split(AddressFamily.InterNetwork, v4);
        (_v6, _v6List) = Split(AddressFamily.InterNetworkV6, v6);
    }

    /// <summary>All addresses, read-only, in the backend's order (for events).</summary>
    public IReadOnlyList<IPAddress> All => _allList;

    /// <summary>The shared read-only list for <paramref name="family"/> (validated by the caller).</summary>
    public IReadOnlyList<IPAddress> Shared(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => _v4List,
        AddressFamily.InterNetworkV6 => _v6List,
        _ => _allList,
    };

    /// <summary>A new array for <paramref name="family"/> that the caller may change.</summary>
    public IPAddress[] Copy(AddressFamily family)
    {
        IPAddress[] source = family switch
        {
            AddressFamily.InterNetwork => _v4,
            AddressFamily.InterNetworkV6 => _v6,
            _ => _all,
        };
        return source.Length == 0 ? [] : (IPAddress[])source.Clone();
    }

    private (IPAddress[] Array, ReadOnlyCollection<IPAddress> List) Split(AddressFamily family, int count)
    {
        if (count == _all.Length)
        {
            return (_all, _allList);
        }

        if (count == 0)
        {
            return (NoAddresses, NoAddressList);
        }

        IPAddress[] part = new IPAddress[count];
        int i = 0;
        foreach (IPAddress address in _all)
        {
            if (address.AddressFamily == family)
            {
                part[i++] = address;
            }
        }

        return (part, Array.AsReadOnly(part));
    }
}
