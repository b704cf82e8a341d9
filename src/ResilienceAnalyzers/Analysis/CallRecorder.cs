using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>
    /// The calls and method references of a compilation as the analyzer driver hands them to the rules: the source of
    /// the compilation-wide <see cref="CallerIndex"/>, so that no rule walks every tree's syntax again.
    /// </summary>
    /// <remarks>
    /// Every rule sees every call, so one rule per tree records it: the first to see an operation of the tree claims it
    /// (<see cref="Claims"/>), by its type, so that a later analysis of the same compilation by new instances of the same
    /// rule (an IDE session that first analyzed one span of one document) records what the first one did not reach. A rule that a user switched off for some files is not run on them, and another rule claims
    /// them; a tree no rule runs on is not recorded (nothing in it would be reported either). The same analyzer may be
    /// handed a tree's operations again (the IDE resumes a cancelled analysis), so a node recorded twice counts once.
    /// </remarks>
    internal sealed class CallRecorder
    {
        private readonly ConcurrentDictionary<SyntaxTree, object> claims = new ConcurrentDictionary<SyntaxTree, object>();
        // By node: a node handed over twice (a resumed analysis) is kept once, and the live within-type search finds a
        // node's operation without a second store.
        private readonly ConcurrentDictionary<SyntaxNode, Site> sites = new ConcurrentDictionary<SyntaxNode, Site>(ResilienceCompilation.ConcurrencyLevel, 4096);

        /// <summary>
        /// A node that calls or names a method, the method it binds to (null when it does not bind), the member it is in,
        /// and the operation the driver handed over for it (null once <see cref="ForgetOperations"/> ran, and for the
        /// sites of a syntax walk).
        /// </summary>
        internal readonly struct Site
        {
            private readonly Held? held;

            public Site(SyntaxNode node, IMethodSymbol? target, ISymbol? container, IOperation? operation = null)
            {
                Node = node;
                Target = target;
                Container = container;
                held = operation == null ? null : new Held(operation);
            }

            public SyntaxNode Node { get; }

            public IMethodSymbol? Target { get; }

            public ISymbol? Container { get; }

            /// <summary>
            /// Kept so that the compilation-end search does not ask for it again: by then the driver no longer holds the
            /// member's bound tree, and <c>GetOperation</c> binds the member's whole body again, nullability analysis
            /// included — that was the largest part of the rules' cost on Steeltoe (docs/performance.md, "Binding").
            /// </summary>
            public IOperation? Operation => held?.Operation;

            /// <summary>Lets go of the operation (and the bound tree it holds) in place: the store is not written again.</summary>
            public void Forget() => held?.Forget();

            /// <summary>The recorded operation, in a box its sites share, so that forgetting it writes no store (sites of a syntax walk have none).</summary>
            private sealed class Held
            {
                private IOperation? operation;

                public Held(IOperation operation) => this.operation = operation;

                public IOperation? Operation => Volatile.Read(ref operation);

                public void Forget() => Volatile.Write(ref operation, null);
            }
        }

        /// <summary>Whether anything was recorded: without it, the index falls back to a syntax walk.</summary>
        public bool Any => !claims.IsEmpty;

        /// <summary>Whether <paramref name="rule"/> records <paramref name="tree"/>: true for the first rule to ask.</summary>
        public bool Claims(SyntaxTree tree, object rule) => ReferenceEquals(claims.GetOrAdd(tree, rule), rule);

        /// <summary>Keeps <paramref name="operation"/> if it calls or references a method by a name written in source.</summary>
        public void Record(IOperation operation, ISymbol container)
        {
            switch (operation)
            {
                case IInvocationOperation invocation when invocation.Syntax is InvocationExpressionSyntax:
                    sites.TryAdd(invocation.Syntax, new Site(invocation.Syntax, invocation.TargetMethod, container, invocation));
                    break;
                case IInvalidOperation invalid when invalid.Syntax is InvocationExpressionSyntax:
                    sites.TryAdd(invalid.Syntax, new Site(invalid.Syntax, null, container, invalid));
                    break;
                case IMethodReferenceOperation reference when reference.Syntax is SimpleNameSyntax || reference.Syntax is MemberAccessExpressionSyntax:
                    sites.TryAdd(reference.Syntax, new Site(reference.Syntax, reference.Method, container, reference));
                    break;
            }
        }

        /// <summary>
        /// Lets go of the recorded operations once every rule is done with the compilation (they hold the members' bound
        /// trees); the sites stay, for an analysis of the same compilation that comes later (the IDE), which binds again.
        /// </summary>
        /// <summary>
        /// The operation the driver handed over for a call or method group, if it has reached it yet: the live,
        /// within-type search reads its callers through it instead of binding their bodies again.
        /// </summary>
        public IOperation? OperationOf(SyntaxNode node) => sites.TryGetValue(node, out var site) ? site.Operation : null;

        public void ForgetOperations()
        {
            // Each site lets go of its own: rewriting thousands of entries of the concurrent store cost more than the
            // recording did (a profile of KubeOps, docs/performance.md).
            foreach (var entry in sites)
            {
                entry.Value.Forget();
            }
        }

        /// <summary>
        /// The recorded sites by the name they spell, each list put in the compilation's tree order, then source order, the
        /// first time it is read: most names are never asked for, and sorting every site of a project at once was most of
        /// the index's cost (a profile of KubeOps, docs/performance.md).
        /// </summary>
        public SiteLists ByName(Compilation compilation)
        {
            var index = new Dictionary<string, List<Site>>();
            foreach (var site in sites.Values)
            {
                string? name = CallerIndex.SpelledName(site.Node);
                if (name == null)
                {
                    continue;
                }

                if (!index.TryGetValue(name, out var list))
                {
                    list = new List<Site>();
                    index.Add(name, list);
                }

                list.Add(site);
            }

            return new SiteLists(index, new System.Lazy<Dictionary<SyntaxTree, int>>(() => TreeOrder(compilation)));
        }

        private static Dictionary<SyntaxTree, int> TreeOrder(Compilation compilation)
        {
            var order = new Dictionary<SyntaxTree, int>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                order[tree] = order.Count;
            }

            return order;
        }

    }

    /// <summary>Call sites by the name they spell, each list in tree order, then source order (sorted on first read when recorded out of order).</summary>
    internal sealed class SiteLists
    {
        private readonly Dictionary<string, Entry> lists = new Dictionary<string, Entry>();
        private readonly System.Lazy<Dictionary<SyntaxTree, int>>? order;

        /// <summary><paramref name="order"/>: the compilation's tree order, to sort by; null when the lists are already in order (a syntax walk).</summary>
        public SiteLists(Dictionary<string, List<CallRecorder.Site>> byName, System.Lazy<Dictionary<SyntaxTree, int>>? order)
        {
            this.order = order;
            foreach (var pair in byName)
            {
                lists.Add(pair.Key, new Entry(pair.Value, sorted: order == null));
            }
        }

        public bool TryGetValue(string name, out List<CallRecorder.Site> sites)
        {
            if (!lists.TryGetValue(name, out var entry))
            {
                sites = null!;
                return false;
            }

            if (!entry.Sorted)
            {
                lock (entry)
                {
                    if (!entry.Sorted)
                    {
                        var trees = order!.Value;
                        entry.Sites.Sort((a, b) => Key(trees, a.Node).CompareTo(Key(trees, b.Node)));
                        entry.Sorted = true;
                    }
                }
            }

            sites = entry.Sites;
            return true;
        }

        private static long Key(Dictionary<SyntaxTree, int> trees, SyntaxNode node)
            => (long)(trees.TryGetValue(node.SyntaxTree, out int ordinal) ? ordinal : int.MaxValue >> 1) << 32 | (uint)node.SpanStart;

        private sealed class Entry
        {
            public Entry(List<CallRecorder.Site> sites, bool sorted)
            {
                Sites = sites;
                Sorted = sorted;
            }

            public List<CallRecorder.Site> Sites { get; }

            public volatile bool Sorted;
        }
    }
}
