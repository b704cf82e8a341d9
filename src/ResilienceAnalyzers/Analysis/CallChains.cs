using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>
    /// A path of calls from the place that repeats (a loop, a timer, a request handler, a retry loop) down to the method
    /// that makes the API call: <c>Worker.ExecuteAsync</c> loop → <c>PodCache.RefreshAsync</c> → <c>KubeRepository.ListPodsAsync</c>.
    /// </summary>
    internal sealed class CallChain
    {
        public CallChain(Frequency frequency, ILoopOperation? retryLoop, ImmutableArray<CallSite> sites)
        {
            Frequency = frequency;
            RetryLoop = retryLoop;
            Sites = sites;
        }

        /// <summary>How the outermost site repeats (for a retry chain: not periodic).</summary>
        public Frequency Frequency { get; }

        /// <summary>For a retry chain, the caller's loop that retries.</summary>
        public ILoopOperation? RetryLoop { get; }

        /// <summary>The call sites, outermost first; the last one calls the method that was asked about.</summary>
        public ImmutableArray<CallSite> Sites { get; }

        /// <summary>The sites' locations, for a diagnostic's additional locations (the editor shows them as related).</summary>
        public IEnumerable<Location> Locations
        {
            get
            {
                foreach (var site in Sites)
                {
                    yield return Infrastructure.Locations.Of(site.Operation);
                }
            }
        }

        /// <summary>"Worker.ExecuteAsync (Worker.cs:29) → PodCache.RefreshAsync → KubeRepository.ListPodsAsync".</summary>
        public string Describe(IMethodSymbol callee)
        {
            var text = new StringBuilder();
            var first = Sites[0];
            var span = first.Operation.Syntax.GetLocation().GetLineSpan();
            text.Append(Name(first.Caller)).Append(" (").Append(Path.GetFileName(span.Path)).Append(':').Append(span.StartLinePosition.Line + 1).Append(')');
            for (int i = 1; i < Sites.Length; i++)
            {
                text.Append(" → ").Append(Name(Sites[i].Caller));
            }

            return text.Append(" → ").Append(Name(callee)).ToString();
        }

        /// <summary>", created on every retry (…)" or ", created every 10 s (…)": where an object made in <paramref name="callee"/> is made again.</summary>
        public string DescribeCreation(IMethodSymbol callee)
            => RetryLoop != null
                ? ", created on every retry (" + Describe(callee) + ")"
                : ", created " + Frequency.Describe() + " (" + Describe(callee) + ")";

        /// <summary><c>Type.Method</c>; a local function as <c>Type.Method.Local</c>.</summary>
        public static string Name(IMethodSymbol method)
        {
            if (method.MethodKind == MethodKind.LocalFunction && method.ContainingSymbol is IMethodSymbol outer)
            {
                return Name(outer) + "." + method.Name;
            }

            return (method.ContainingType?.Name is string type ? type + "." : string.Empty) + method.Name;
        }
    }

    /// <summary>
    /// The search up the call graph for the caller that repeats or retries a method. Each method's answer is computed
    /// once per compilation and reused (the per-method summary), so the cost stays linear in the methods visited; a
    /// recursive cycle ends the search on that path, and a chain longer than <see cref="MaxDepth"/> calls is cut and
    /// not reported (never guessed).
    /// </summary>
    internal sealed class CallChains
    {
        /// <summary>
        /// Twelve calls from the repeating site to the API call. A cost bound, not a measurement: it keeps a pathological
        /// graph cheap. It was eight until the unseen survey set's drivers: Cassandra's DNS resolver is 11 calls below its
        /// reconnection timer, MQTTnet's SOCKS lookup 10 below the application's reconnect loop, Couchbase's 9 below its
        /// pool-scaling loop (docs/survey.md).
        /// </summary>
        internal const int MaxDepth = 12;

        private readonly ResilienceCompilation model;
        private readonly object gate = new object();
        private readonly Dictionary<IMethodSymbol, Memo> repeated = new Dictionary<IMethodSymbol, Memo>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, Memo> retried = new Dictionary<IMethodSymbol, Memo>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, Memo> perCopy = new Dictionary<IMethodSymbol, Memo>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, Memo> retriedOnFailure = new Dictionary<IMethodSymbol, Memo>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, Memo> waitedFor = new Dictionary<IMethodSymbol, Memo>(SymbolEqualityComparer.Default);

        public CallChains(ResilienceCompilation model, CallerIndex index)
        {
            this.model = model;
            Index = index;
        }

        /// <summary>The callers this search sees: the whole compilation, or one type's (the live, within-type search).</summary>
        public CallerIndex Index { get; }

        /// <summary>The nearest caller chain that runs <paramref name="method"/> again and again (loop, timer, request, message, probe).</summary>
        public CallChain? RepeatedBy(IMethodSymbol method)
        {
            lock (gate)
            {
                return Search(method.OriginalDefinition, repeated, Repeats, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), 0);
            }
        }

        /// <summary>The nearest caller chain that retries <paramref name="method"/> (a retry loop around a call of it).</summary>
        public CallChain? RetriedBy(IMethodSymbol method)
        {
            lock (gate)
            {
                return Search(method.OriginalDefinition, retried, Retries, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), 0);
            }
        }

        /// <summary>
        /// The caller whose retry loop sees a failure of <paramref name="method"/>: as <see cref="RetriedBy"/>, but through
        /// call sites that let a failure out of their method only (<see cref="RetryLoops.StopsFailure"/>). What a retry
        /// of a failing call means (RES1005's API call, RES2001's lookup); a creation re-run by a retry is
        /// <see cref="RetriedBy"/>'s.
        /// </summary>
        public CallChain? RetriedOnFailureBy(IMethodSymbol method)
        {
            lock (gate)
            {
                return Search(method.OriginalDefinition, retriedOnFailure, RetriesOnFailure, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), 0);
            }
        }

        /// <summary>
        /// The caller whose loop waits for a condition around a call of <paramref name="method"/> (<see cref="RetryLoops.WaitingFor"/>):
        /// it runs the method again until what it waits for holds, so a failure the method catches and answers with
        /// "not yet" is retried at the loop's pace.
        /// </summary>
        public CallChain? WaitedForBy(IMethodSymbol method)
        {
            lock (gate)
            {
                return Search(method.OriginalDefinition, waitedFor, WaitsFor, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), 0);
            }
        }

        private static CallChain? WaitsFor(CallSite site)
            => RetryLoops.WaitingFor(site.Operation) is ILoopOperation loop ? new CallChain(Frequency.Once, loop, ImmutableArray.Create(site)) : null;

        private CallChain? RetriesOnFailure(CallSite site)
            => RetryLoops.StopsFailure(site.Operation) && !(RetryLoops.Of(site.Operation, model) is ILoopOperation) ? Stopped : Retries(site);

        /// <summary>A site where a failure ends: the search neither reports it nor goes above it.</summary>
        private static readonly CallChain Stopped = new CallChain(Frequency.Once, null, ImmutableArray<CallSite>.Empty);

        /// <summary>
        /// The nearest caller chain from code that runs in every copy (a type that reads NODE_NAME, carries
        /// <c>[RunsOnEveryNode]</c>, …): a repository class called by a per-node agent runs on every node too.
        /// </summary>
        public CallChain? RunsPerCopyBy(IMethodSymbol method)
        {
            lock (gate)
            {
                return Search(method.OriginalDefinition, perCopy, PerCopy, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), 0);
            }
        }

        private CallChain? PerCopy(CallSite site)
            => model.FanOut.Resolve(site.Caller, site.Operation.Syntax).IsReplicated ? new CallChain(Frequency.Once, null, ImmutableArray.Create(site)) : null;

        /// <summary>
        /// The chain that repeats a call deferred to its method's callers: none when the call runs once whatever its method
        /// does (its result kept in a field the first time: <see cref="OnceGuards"/>).
        /// </summary>
        public CallChain? RepeatedAbove(DeferredCall deferred)
            => OnceGuards.Encloses(deferred.Operation, model) ? null : RepeatedBy(deferred.Method);

        /// <summary>The repetition around one call site: the site's own loop, timer or handler, else its method's callers.</summary>
        public CallChain? RepeatedAt(CallSite site)
        {
            if (OnceGuards.Encloses(site.Operation, model))
            {
                return null;
            }

            if (Repeats(site) is CallChain direct)
            {
                return direct;
            }

            return RepeatedBy(site.Caller) is CallChain above ? new CallChain(above.Frequency, above.RetryLoop, above.Sites.Add(site)) : null;
        }

        /// <summary>The retry around one call site: a retry loop in its own method, else one in its method's callers.</summary>
        public CallChain? RetriedAt(CallSite site)
        {
            if (Retries(site) is CallChain direct)
            {
                return direct;
            }

            return RetriedBy(site.Caller) is CallChain above ? new CallChain(above.Frequency, above.RetryLoop, above.Sites.Add(site)) : null;
        }

        private CallChain? Repeats(CallSite site)
        {
            // A call made once per instance (kept in a field the first time) is not repeated by what repeats its method.
            if (OnceGuards.Encloses(site.Operation, model))
            {
                return Stopped;
            }

            var frequency = Periodicity.Of(site.Operation, callPages: false, model);
            return frequency.IsPeriodic ? new CallChain(frequency, null, ImmutableArray.Create(site)) : null;
        }

        private CallChain? Retries(CallSite site)
            => RetryLoops.Of(site.Operation, model) is ILoopOperation loop ? new CallChain(Frequency.Once, loop, ImmutableArray.Create(site)) : null;

        private CallChain? Search(IMethodSymbol method, Dictionary<IMethodSymbol, Memo> memo, System.Func<CallSite, CallChain?> classify, HashSet<IMethodSymbol> visiting, int depth)
            => Search(method, memo, classify, visiting, depth, out _);

        /// <summary>
        /// The chain above <paramref name="method"/>; <paramref name="cut"/> says the answer "none" was reached only because
        /// the search stopped somewhere above (the depth limit, or a method already on the path). Such an answer is kept
        /// for searches with no more depth left than this one had: kept for all, a short search run first (a lookup 11
        /// calls below a timer) would answer "none" for every method on its path to every later search, and the
        /// diagnostics would depend on the order the driver ran the rules in (unseen survey set: Cassandra, MQTTnet).
        /// </summary>
        private CallChain? Search(IMethodSymbol method, Dictionary<IMethodSymbol, Memo> memo, System.Func<CallSite, CallChain?> classify, HashSet<IMethodSymbol> visiting, int depth, out bool cut)
        {
            // A chain already known is reused only where it fits in the depth this search has left, so that what is found
            // does not depend on which search ran first.
            int remaining = MaxDepth - depth;
            if (memo.TryGetValue(method, out var known))
            {
                if (known.Chain != null && known.Chain.Sites.Length <= remaining || known.Chain == null && (known.CutWithDepth < 0 || known.CutWithDepth >= remaining))
                {
                    cut = known.Chain == null && known.CutWithDepth >= 0;
                    return known.Chain;
                }

                if (known.Chain != null)
                {
                    cut = true;
                    return null;
                }
            }

            if (remaining <= 0 || !visiting.Add(method))
            {
                cut = true;
                return null;
            }

            var sites = Index.SitesOf(method);
            CallChain? found = null;
            bool anyCut = false;

            // The callers' own sites first (the shortest chain), preferring one whose period is known. A site where the
            // search must stop (a failure that ends there) is neither a chain nor a way up.
            var stopped = new bool[sites.Length];
            for (int i = 0; i < sites.Length; i++)
            {
                var direct = classify(sites[i]);
                if (ReferenceEquals(direct, Stopped))
                {
                    stopped[i] = true;
                }
                else if (direct != null && (found == null || !found.Frequency.Period.HasValue && direct.Frequency.Period.HasValue))
                {
                    found = direct;
                }
            }

            if (found == null)
            {
                for (int i = 0; i < sites.Length; i++)
                {
                    if (stopped[i])
                    {
                        continue;
                    }

                    var site = sites[i];
                    var above = Search(site.Caller.OriginalDefinition, memo, classify, visiting, depth + 1, out bool aboveCut);
                    anyCut |= aboveCut;
                    if (above != null)
                    {
                        found = new CallChain(above.Frequency, above.RetryLoop, above.Sites.Add(site));
                        break;
                    }
                }
            }

            visiting.Remove(method);
            cut = found == null && anyCut;

            // A build's within-type search sees more callers as the driver goes on: a chain it found stays true, "none" does not.
            if (found != null || !Index.GrowsWithDriver)
            {
                memo[method] = new Memo(found, cut ? remaining : -1);
            }

            return found;
        }

        /// <summary>A searched method's answer, and for "none" found under a cut, the depth the search still had (else -1).</summary>
        private readonly struct Memo
        {
            public Memo(CallChain? chain, int cutWithDepth)
            {
                Chain = chain;
                CutWithDepth = cutWithDepth;
            }

            public CallChain? Chain { get; }

            public int CutWithDepth { get; }
        }
    }
}
