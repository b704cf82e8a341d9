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
    /// (<see cref="Claim"/>), by its type, so that a later analysis of the same compilation by new instances of the same
    /// rule (an IDE session that first analyzed one span of one document) records what the first one did not reach. A rule that a user switched off for some files is not run on them, and another rule claims
    /// them; a tree no rule runs on is not recorded (nothing in it would be reported either). The same analyzer may be
    /// handed a tree's operations again (the IDE resumes a cancelled analysis), so a node recorded twice counts once.
    /// </remarks>
    internal sealed class CallRecorder
    {
        // One store per tree, claimed by the first rule to see the tree. A store for the whole compilation (a concurrent
        // dictionary of every call site) spent more in growing its table and in letting go of the operations one entry at
        // a time than the recording itself did: ~40 % of the rules' time on Npgsql (a profile, docs/performance.md).
        private readonly ConcurrentDictionary<SyntaxTree, TreeSites> trees;

        public CallRecorder(int treeCount = 31)
            => trees = new ConcurrentDictionary<SyntaxTree, TreeSites>(ResilienceCompilation.ConcurrencyLevel, System.Math.Max(31, treeCount));

        /// <summary>
        /// A node that calls or names a method, the method it binds to (null when it does not bind), the member it is in,
        /// and the operation the driver handed over for it (null once <see cref="ForgetOperations"/> ran, and for the
        /// sites of a syntax walk).
        /// </summary>
        internal readonly struct Site
        {
            private readonly TreeSites? owner;
            private readonly int index;

            public Site(SyntaxNode node, IMethodSymbol? target, ISymbol? container)
                : this(node, target, container, null, -1)
            {
            }

            internal Site(SyntaxNode node, IMethodSymbol? target, ISymbol? container, TreeSites? owner, int index)
            {
                Node = node;
                Target = target;
                Container = container;
                this.owner = owner;
                this.index = index;
            }

            public SyntaxNode Node { get; }

            public IMethodSymbol? Target { get; }

            public ISymbol? Container { get; }

            /// <summary>
            /// Kept so that the compilation-end search does not ask for it again: by then the driver no longer holds the
            /// member's bound tree, and <c>GetOperation</c> binds the member's whole body again, nullability analysis
            /// included — that was the largest part of the rules' cost on Steeltoe (docs/performance.md, "Binding").
            /// </summary>
            public IOperation? Operation => owner?.OperationAt(index);

            /// <summary>Where its operation is in its tree's list; −1 for none.</summary>
            internal int Index => owner == null ? -1 : index;
        }

        /// <summary>
        /// One tree's recorded sites in the order the driver handed them over, and their operations in a list of their own
        /// that is let go of at once. Appends only, under the store's lock: a node handed over twice (a resumed analysis)
        /// is kept twice here and counted once where the sites are read (<see cref="SiteLists"/>).
        /// </summary>
        internal sealed class TreeSites
        {
            private readonly List<Site> sites = new List<Site>();
            private List<IOperation>? operations = new List<IOperation>();

            public TreeSites(object owner) => Owner = owner;

            /// <summary>The rule (by type) that records this tree.</summary>
            public object Owner { get; }

            public void Add(SyntaxNode node, IMethodSymbol? target, ISymbol container, IOperation operation)
            {
                lock (sites)
                {
                    if (operations == null)
                    {
                        // After the operations were let go, a later analysis (the IDE) records the site without one.
                        sites.Add(new Site(node, target, container));
                        return;
                    }

                    sites.Add(new Site(node, target, container, this, operations.Count));
                    operations.Add(operation);
                }
            }

            public IOperation? OperationAt(int index)
            {
                lock (sites)
                {
                    return operations != null && index >= 0 && index < operations.Count ? operations[index] : null;
                }
            }

            /// <summary>
            /// The operation recorded for <paramref name="node"/>, by a scan of the tree's sites: asked only by the live
            /// within-type search for the few callers of a call a rule could not judge in its own method.
            /// </summary>
            public IOperation? OperationOf(SyntaxNode node)
            {
                lock (sites)
                {
                    if (operations == null)
                    {
                        return null;
                    }

                    for (int i = sites.Count - 1; i >= 0; i--)
                    {
                        if (sites[i].Node == node && sites[i].Index >= 0)
                        {
                            return operations[sites[i].Index];
                        }
                    }

                    return null;
                }
            }

            /// <summary>
            /// Adds to <paramref name="into"/> the sites recorded so far inside <paramref name="span"/> that spell
            /// <paramref name="name"/> and still have their operation: the candidates of the within-type search in a build,
            /// read from what the driver has handed over instead of binding members it has not reached.
            /// </summary>
            public void CollectNamed(string name, Microsoft.CodeAnalysis.Text.TextSpan span, List<Site> into)
            {
                lock (sites)
                {
                    if (operations == null)
                    {
                        return;
                    }

                    foreach (var site in sites)
                    {
                        if (site.Index >= 0 && span.Contains(site.Node.Span) && CallerIndex.SpelledName(site.Node) == name)
                        {
                            into.Add(site);
                        }
                    }
                }
            }

            public void Forget()
            {
                lock (sites)
                {
                    operations = null;
                }
            }

            /// <summary>
            /// Adds each of the tree's sites to the list of the name it spells. A node handed over twice (a resumed
            /// analysis) is added twice here and counted once when its list is first read (<see cref="SiteLists"/>): a set
            /// per tree to drop it here, and a list of every site of the compilation to gather them in first, made the
            /// compilation-end index cost more than the search over it (a profile of KubeOps, docs/performance.md).
            /// </summary>
            public void AddTo(Dictionary<string, List<Site>> index)
            {
                lock (sites)
                {
                    foreach (var site in sites)
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
                }
            }
        }

        /// <summary>Whether anything was recorded: without it, the index falls back to a syntax walk.</summary>
        public bool Any => !trees.IsEmpty;

        /// <summary>The store of <paramref name="tree"/> if <paramref name="rule"/> records it (the first rule to ask does); otherwise null.</summary>
        public TreeSites? Claim(SyntaxTree tree, object rule)
        {
            if (!trees.TryGetValue(tree, out var store))
            {
                store = trees.GetOrAdd(tree, new TreeSites(rule));
            }

            return ReferenceEquals(store.Owner, rule) ? store : null;
        }

        /// <summary>
        /// Keeps <paramref name="operation"/> in <paramref name="store"/> if it calls or references a method by a name written
        /// in source and may reach a method of this compilation (<see cref="MayReachSource"/>).
        /// </summary>
        public static void Record(TreeSites store, IOperation operation, ISymbol container)
        {
            switch (operation)
            {
                case IInvocationOperation invocation when invocation.Syntax is InvocationExpressionSyntax && MayReachSource(invocation.TargetMethod, container):
                    store.Add(invocation.Syntax, invocation.TargetMethod, container, invocation);
                    break;
                case IInvalidOperation invalid when invalid.Syntax is InvocationExpressionSyntax:
                    store.Add(invalid.Syntax, null, container, invalid);
                    break;
                case IMethodReferenceOperation reference when (reference.Syntax is SimpleNameSyntax || reference.Syntax is MemberAccessExpressionSyntax) && MayReachSource(reference.Method, container):
                    store.Add(reference.Syntax, reference.Method, container, reference);
                    break;
            }
        }

        /// <summary>
        /// Whether a call bound to <paramref name="target"/> can be a call of a source method, the only callers the index is
        /// asked for (<see cref="CallerIndex.IsCallOf"/>): a method of this compilation, a virtual, abstract or interface
        /// member a source method may implement or override, a delegate's <c>Invoke</c> (a stored delegate), or the one
        /// library method whose calls a rule looks up, <c>CreateClient</c> (RES2004). The rest — calls of the libraries'
        /// static, extension and sealed methods, most of a project's calls — were most of what the recorder kept (Npgsql,
        /// docs/performance.md, "Eighth session").
        /// </summary>
        private static bool MayReachSource(IMethodSymbol target, ISymbol container)
            => target.IsVirtual || target.IsAbstract || target.IsOverride
                || target.MethodKind == MethodKind.DelegateInvoke
                || target.ContainingType?.TypeKind == TypeKind.Interface
                || SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, container.ContainingAssembly)
                || target.Name == "CreateClient";

        /// <summary>
        /// The operation the driver handed over for a call or method group, if it has reached it yet: the live,
        /// within-type search reads its callers through it instead of binding their bodies again.
        /// </summary>
        public IOperation? OperationOf(SyntaxNode node) => trees.TryGetValue(node.SyntaxTree, out var store) ? store.OperationOf(node) : null;

        /// <summary>The sites spelling <paramref name="name"/> recorded so far inside <paramref name="span"/> of <paramref name="tree"/>, with their operations.</summary>
        public void CollectNamed(SyntaxTree tree, Microsoft.CodeAnalysis.Text.TextSpan span, string name, List<Site> into)
        {
            if (trees.TryGetValue(tree, out var store))
            {
                store.CollectNamed(name, span, into);
            }
        }

        /// <summary>
        /// Lets go of the recorded operations once every rule is done with the compilation (they hold the members' bound
        /// trees); the sites stay, for an analysis of the same compilation that comes later (the IDE), which binds again.
        /// One write per tree.
        /// </summary>
        public void ForgetOperations()
        {
            foreach (var entry in trees)
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
            foreach (var entry in trees)
            {
                entry.Value.AddTo(index);
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
                        var list = entry.Sites;
                        list.Sort((a, b) =>
                        {
                            int byStart = Key(trees, a.Node).CompareTo(Key(trees, b.Node));
                            return byStart != 0 ? byStart : a.Node.Span.End.CompareTo(b.Node.Span.End);
                        });

                        // A node recorded twice (a resumed analysis) is next to itself once sorted (nodes of one name never share a
                        // span: a chained call starts where the call it is chained to starts, but ends after it): kept once.
                        int kept = 0;
                        for (int i = 0; i < list.Count; i++)
                        {
                            if (kept == 0 || list[i].Node != list[kept - 1].Node)
                            {
                                list[kept++] = list[i];
                            }
                        }

                        list.RemoveRange(kept, list.Count - kept);
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
