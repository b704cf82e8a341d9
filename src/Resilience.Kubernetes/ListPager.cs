using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;

namespace Resilience.Kubernetes
{
    /// <summary>
    /// Pages through any LIST with <c>limit</c> + <c>continue</c> (client-go <c>tools/pager</c>).
    /// Page size 500 by default (client-go's <c>defaultPageSize</c>). When a continue token has expired
    /// (410 ResourceExpired, "generally five to fifteen minutes" after it was issued) the pager falls back to one
    /// full, unpaginated list at the originally requested resourceVersion, as client-go's pager does
    /// (<c>FullListIfExpired</c>, on by default).
    /// Note: a paginated list is always served from etcd (KEP-2340); for a cheap read of the API server's cache,
    /// list once with <c>resourceVersion=0</c> (the server ignores <c>limit</c> there) — or use an informer.
    /// </summary>
    public static class ListPager
    {
        /// <summary>client-go's default page size.</summary>
        public const int DefaultPageSize = 500;

        /// <summary>
        /// Lists every item, page by page, and returns them as one list whose metadata carries the
        /// resourceVersion of the last page. On an expired continue token the partial result is discarded and the
        /// result of the fallback full list is returned.
        /// </summary>
        public static async Task<TList> ListAllAsync<TItem, TList>(
            ListWatch<TItem, TList> listWatch,
            ListOptions? options = null,
            int pageSize = DefaultPageSize,
            CancellationToken cancellationToken = default)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>, new()
        {
            Validate(listWatch, pageSize);
            var items = new List<TItem>();
            string? resourceVersion = null;
            await foreach (var page in PagesCoreAsync(listWatch, options, pageSize, cancellationToken).ConfigureAwait(false))
            {
                if (page.IsFullListFallback) items.Clear();
                if (page.List.Items is { } pageItems) items.AddRange(pageItems);
                resourceVersion = page.List.Metadata?.ResourceVersion ?? resourceVersion;
            }

            return new TList { Items = items, Metadata = new V1ListMeta { ResourceVersion = resourceVersion } };
        }

        /// <summary>
        /// Streams every item, fetching a page at a time. Each object (namespace/name) is yielded once: when a
        /// continue token expires mid-way, the fallback full list yields only the objects not yielded yet (objects
        /// already yielded are not revisited, so their state may be older than the fallback's).
        /// </summary>
        public static IAsyncEnumerable<TItem> EnumerateAsync<TItem, TList>(
            ListWatch<TItem, TList> listWatch,
            ListOptions? options = null,
            int pageSize = DefaultPageSize,
            CancellationToken cancellationToken = default)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>
        {
            Validate(listWatch, pageSize);
            return EnumerateCoreAsync(listWatch, options, pageSize, cancellationToken);
        }

        /// <summary>Streams the pages themselves (one LIST request each).</summary>
        public static IAsyncEnumerable<ListPage<TList>> PagesAsync<TItem, TList>(
            ListWatch<TItem, TList> listWatch,
            ListOptions? options = null,
            int pageSize = DefaultPageSize,
            CancellationToken cancellationToken = default)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>
        {
            Validate(listWatch, pageSize);
            return PagesCoreAsync(listWatch, options, pageSize, cancellationToken);
        }

        // Checked when the stream is created, not at its first MoveNextAsync (iterators run nothing before that).
        private static void Validate(object listWatch, int pageSize)
        {
            if (listWatch is null) throw new ArgumentNullException(nameof(listWatch));
            if (pageSize <= 0) throw new ArgumentOutOfRangeException(nameof(pageSize), "must be positive: limit=0 means unbounded");
        }

        private static async IAsyncEnumerable<TItem> EnumerateCoreAsync<TItem, TList>(
            ListWatch<TItem, TList> listWatch,
            ListOptions? options,
            int pageSize,
            [EnumeratorCancellation] CancellationToken cancellationToken)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var page in PagesCoreAsync(listWatch, options, pageSize, cancellationToken).ConfigureAwait(false))
            {
                if (page.List.Items is null) continue;
                foreach (var item in page.List.Items)
                {
                    if (item is null) continue;
                    if (seen.Add(ObjectKey.Of(item))) yield return item;
                }
            }
        }

        private static async IAsyncEnumerable<ListPage<TList>> PagesCoreAsync<TItem, TList>(
            ListWatch<TItem, TList> listWatch,
            ListOptions? options,
            int pageSize,
            [EnumeratorCancellation] CancellationToken cancellationToken)
            where TItem : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IMetadata<V1ListMeta>, IItems<TItem>
        {
            var requested = options ?? new ListOptions();
            var next = requested with { Limit = pageSize, Continue = null, Watch = false };
            const int MaxPages = 1_000_000; // bounded loop: 500 M objects at the default page size
            for (var i = 0; i < MaxPages; i++)
            {
                TList page;
                var fallback = false;
                try
                {
                    page = await listWatch.ListAsync(next, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (next.Continue is not null && ApiErrors.IsGone(ex))
                {
                    // The continue token expired: one full list at the requested resourceVersion (client-go pager).
                    page = await listWatch.ListAsync(requested with { Limit = null, Continue = null, Watch = false }, cancellationToken).ConfigureAwait(false);
                    fallback = true;
                }

                yield return new ListPage<TList>(page, fallback);
                var token = page.Metadata?.ContinueProperty;
                if (fallback || string.IsNullOrEmpty(token)) yield break;

                // Subsequent pages: the token pins the snapshot; resourceVersion must not be sent with it.
                next = next with { Continue = token, ResourceVersion = null, ResourceVersionMatch = null };
            }

            throw new InvalidOperationException("The server kept returning continue tokens past " + MaxPages + " pages.");
        }
    }

    /// <summary>One page of a paginated list.</summary>
    /// <param name="List">The page as returned by the client.</param>
    /// <param name="IsFullListFallback">True when this is the full list issued after a continue token expired.</param>
    public readonly record struct ListPage<TList>(TList List, bool IsFullListFallback);

    /// <summary>Store keys: <c>namespace/name</c>, or <c>name</c> for cluster-scoped objects (client-go's MetaNamespaceKeyFunc).</summary>
    public static class ObjectKey
    {
        /// <summary>The key of <paramref name="item"/>.</summary>
        public static string Of(IKubernetesObject<V1ObjectMeta> item)
        {
            if (item is null) throw new ArgumentNullException(nameof(item));
            return For(item.Metadata?.NamespaceProperty, item.Metadata?.Name ?? string.Empty);
        }

        /// <summary>The key of the object <paramref name="name"/> in <paramref name="namespace"/>.</summary>
        public static string For(string? @namespace, string name) =>
            string.IsNullOrEmpty(@namespace) ? name : @namespace + "/" + name;
    }
}
