using System.Collections.Concurrent;
using System.Collections.Generic;
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
        private readonly ConcurrentDictionary<SyntaxNode, Site> sites = new ConcurrentDictionary<SyntaxNode, Site>();

        /// <summary>
        /// A node that calls or names a method, the method it binds to (null when it does not bind), the member it is in,
        /// and the operation the driver handed over for it (null once <see cref="ForgetOperations"/> ran, and for the
        /// sites of a syntax walk).
        /// </summary>
        internal readonly struct Site
        {
            public Site(SyntaxNode node, IMethodSymbol? target, ISymbol? container, IOperation? operation = null)
            {
                Node = node;
                Target = target;
                Container = container;
                Operation = operation;
            }

            public SyntaxNode Node { get; }

            public IMethodSymbol? Target { get; }

            public ISymbol? Container { get; }

            /// <summary>
            /// Kept so that the compilation-end search does not ask for it again: by then the driver no longer holds the
            /// member's bound tree, and <c>GetOperation</c> binds the member's whole body again, nullability analysis
            /// included — that was the largest part of the rules' cost on Steeltoe (docs/performance.md, "Binding").
            /// </summary>
            public IOperation? Operation { get; }

            public Site WithoutOperation() => new Site(Node, Target, Container);
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
            foreach (var entry in sites)
            {
                sites[entry.Key] = entry.Value.WithoutOperation();
            }
        }

        /// <summary>The recorded sites by the name they spell, each list in the compilation's tree order, then source order.</summary>
        public Dictionary<string, List<Site>> ByName(Compilation compilation)
        {
            var order = new Dictionary<SyntaxTree, int>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                order[tree] = order.Count;
            }

            var keyed = new List<(long Key, string Name, Site Site)>(sites.Count);
            foreach (var site in sites.Values)
            {
                string? name = CallerIndex.SpelledName(site.Node);
                if (name != null)
                {
                    keyed.Add(((long)Ordinal(order, site.Node.SyntaxTree) << 32 | (uint)site.Node.SpanStart, name, site));
                }
            }

            keyed.Sort(static (a, b) => a.Key.CompareTo(b.Key));
            var index = new Dictionary<string, List<Site>>();
            foreach (var (_, name, site) in keyed)
            {
                if (!index.TryGetValue(name, out var list))
                {
                    list = new List<Site>();
                    index.Add(name, list);
                }

                list.Add(site);
            }

            return index;
        }

        private static int Ordinal(Dictionary<SyntaxTree, int> order, SyntaxTree tree) => order.TryGetValue(tree, out int ordinal) ? ordinal : int.MaxValue >> 1;
    }
}
