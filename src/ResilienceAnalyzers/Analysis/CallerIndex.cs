using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>A place where a source method is called or handed over as a delegate, and the method that place is in.</summary>
    internal readonly struct CallSite
    {
        public CallSite(IOperation operation, IMethodSymbol caller)
        {
            Operation = operation;
            Caller = caller;
        }

        /// <summary>An invocation, or a method reference (a method group passed to a timer, a runner, an event).</summary>
        public IOperation Operation { get; }

        /// <summary>The method (or local function) whose body holds the site; lambdas count as their enclosing method.</summary>
        public IMethodSymbol Caller { get; }
    }

    /// <summary>
    /// Callers of source methods, found by name and then checked: every invoked or method-group name of the compilation
    /// with the node that spells it; then, for one method, only the sites that spell its name are looked at. A call
    /// through an interface or a base method counts as a call of every source implementation or override: they share
    /// the name, and <see cref="IsCallOf"/> checks the binding.
    /// </summary>
    /// <remarks>
    /// Under the analyzer driver the names come from the driver's own walk: one rule per tree records every call and
    /// method reference it is handed (<see cref="CallRecorder"/>), with the method it binds to, so building the index
    /// costs a dictionary entry per call and no binding; the compilation-wide index is only read at compilation end,
    /// after every operation callback of the run. Without a recording (one type's declarations for the live,
    /// within-type search; the model used outside the driver) the nodes come from a syntax walk and are bound on demand.
    /// The operation callback is the cheaper source: a walk of every node of a 289-file project cost more than all the
    /// rules' other work on it (docs/performance.md, "Registration").
    /// </remarks>
    internal sealed class CallerIndex
    {
        private readonly ResilienceCompilation model;
        private readonly SiteLists? byName;
        private readonly ImmutableArray<SyntaxReference> reachedIn;
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<CallSite>> sites =
            new ConcurrentDictionary<IMethodSymbol, ImmutableArray<CallSite>>(SymbolEqualityComparer.Default);

        /// <summary>Callers anywhere in the compilation, from a syntax walk of every tree.</summary>
        public CallerIndex(ResilienceCompilation model)
            : this(model, Roots(model.Compilation))
        {
        }

        /// <summary>Callers under <paramref name="roots"/> only, from a syntax walk, bound on demand.</summary>
        public CallerIndex(ResilienceCompilation model, IEnumerable<SyntaxNode> roots)
        {
            this.model = model;
            byName = new SiteLists(Index(roots), order: null);
        }

        /// <summary>
        /// The within-type search of a build: the callers inside <paramref name="type"/>'s declarations that the driver has
        /// already handed over (<see cref="CallRecorder.CollectNamed(SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan, string, List{CallRecorder.Site})"/>),
        /// read afresh at each search. A member the driver has not reached is not bound: binding it moved the driver's own
        /// binding of that member, nullability analysis included, into the rule that asked (RES2004 on Steeltoe: 21 of its
        /// 23 ms in the telemetry, while the whole analysis allocated the same within 0.1 MB: work the driver does anyway;
        /// docs/performance.md, "Eighth session"). The within-type search only ever reports, it never clears a call, so a
        /// caller not reached yet leaves the call to compilation end, which a build always runs and where every caller is
        /// recorded. The editor's search, which has no compilation end to fall back on, reads the type's syntax instead
        /// (<see cref="ResilienceCompilation.TypeChains"/>).
        /// </summary>
        public CallerIndex(ResilienceCompilation model, INamedTypeSymbol type)
        {
            this.model = model;
            reachedIn = type.DeclaringSyntaxReferences;
        }

        /// <summary>A build's within-type search: what it finds grows as the driver goes on, so an empty answer is not final.</summary>
        public bool GrowsWithDriver => byName == null;

        /// <summary>Callers anywhere in the compilation, as the driver handed them to the rules.</summary>
        public CallerIndex(ResilienceCompilation model, CallRecorder recorded)
        {
            this.model = model;
            byName = recorded.ByName(model.Compilation);
        }

        /// <summary>The sites that call <paramref name="method"/> (or reference it as a delegate), in source order.</summary>
        public ImmutableArray<CallSite> SitesOf(IMethodSymbol method)
            => GrowsWithDriver ? Find(method.OriginalDefinition) : sites.GetOrAdd(method.OriginalDefinition, Find);

        /// <summary>The candidate sites spelling <paramref name="name"/>: the index's list, or for a build's within-type search those recorded so far in the type, in source order.</summary>
        private bool TryGetCandidates(string name, out List<CallRecorder.Site> candidates)
        {
            if (byName != null)
            {
                return byName.TryGetValue(name, out candidates);
            }

            candidates = new List<CallRecorder.Site>();
            foreach (var declaration in reachedIn)
            {
                model.Recorder.CollectNamed(declaration.SyntaxTree, declaration.Span, name, candidates);
            }

            candidates.Sort((a, b) => a.Node.SyntaxTree == b.Node.SyntaxTree ? a.Node.SpanStart.CompareTo(b.Node.SpanStart) : 0);
            return candidates.Count > 0;
        }

        private ImmutableArray<CallSite> Find(IMethodSymbol method)
        {
            if (!TryGetCandidates(method.Name, out var candidates))
            {
                return ImmutableArray<CallSite>.Empty;
            }

            var found = ImmutableArray.CreateBuilder<CallSite>();
            foreach (var candidate in candidates)
            {
                var node = candidate.Node;

                // A call whose argument count the method cannot take is another overload or another method: not bound.
                if (node is InvocationExpressionSyntax call && !CanTake(method, call.ArgumentList.Arguments.Count))
                {
                    continue;
                }

                // The operation the driver handed over (recorded with the site, or, for the editor's within-type search, once
                // the driver has reached that member); else the operation first and the symbol query only for a call that
                // does not bind: each binds the member's whole body, nullability analysis included (docs/performance.md,
                // "Binding").
                var recorded = candidate.Operation ?? model.Recorder.OperationOf(node);
                var semanticModel = recorded?.SemanticModel ?? model.ModelFor(node.SyntaxTree);
                var operation = recorded ?? semanticModel.GetOperation(node);
                var target = candidate.Target ?? BoundTarget(operation) ?? Target(semanticModel.GetSymbolInfo(node));
                if (target == null || !IsCallOf(target, method))
                {
                    continue;
                }

                var caller = operation != null && candidate.Container != null ? EnclosingMethod(operation, candidate.Container) : EnclosingMethod(semanticModel, node);
                if (operation != null && caller != null)
                {
                    found.Add(new CallSite(operation, caller));
                }

                // A method group in a field initializer (`Func<…> resolver = GetHostName;`) is in no method, and still runs
                // wherever the field is invoked.
                if (operation != null && (caller != null || operation is IMethodReferenceOperation))
                {
                    found.AddRange(ThroughStoredDelegate(operation));
                }
            }

            return found.ToImmutable();
        }

        /// <summary>
        /// A method handed over as a delegate that is kept in a field or property (<c>this.listOperation = ListAsync</c>,
        /// <c>Resolver = () =&gt; ResolveAsync()</c>, a field initializer, or an argument of a method — a constructor, mostly —
        /// that keeps its parameter in one: <see cref="StoredFrom"/>) runs wherever that member is invoked
        /// (<c>listOperation(…)</c>, <c>this.Resolver(…)</c>): those invocations are its call sites too (the shape of
        /// Kaponata's <c>listOperation</c>, RabbitMQ's endpoint resolver and KubeSharper's event sources).
        /// <c>member.Invoke(…)</c> is not followed.
        /// </summary>
        private IEnumerable<CallSite> ThroughStoredDelegate(IOperation site)
        {
            IOperation? handedOver = site is IMethodReferenceOperation ? site : null;
            for (var parent = site.Parent; handedOver == null && parent != null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation lambda)
                {
                    handedOver = lambda;
                }
                else if (parent is IMethodBodyOperation || parent is ILocalFunctionOperation || parent is IConstructorBodyOperation)
                {
                    break;
                }
            }

            ISymbol? member = handedOver == null ? null : Unwrap.HandedTo(handedOver) switch
            {
                ISimpleAssignmentOperation { Target: IMemberReferenceOperation target } when target.Member is IFieldSymbol || target.Member is IPropertySymbol => target.Member,
                IFieldInitializerOperation { InitializedFields.Length: 1 } field => field.InitializedFields[0],
                IPropertyInitializerOperation { InitializedProperties.Length: 1 } property => property.InitializedProperties[0],
                IArgumentOperation { Parameter: IParameterSymbol parameter } => StoredFrom(parameter),
                _ => null,
            };
            if (member == null)
            {
                yield break;
            }

            foreach (var invoked in InvocationsOf(member))
            {
                yield return invoked;
            }

            // A field read through a property that returns it (`public Func<…> HostNameResolver { get { return
            // _hostNameResolver; } }`, Cassandra's SSLOptions): invoking the property invokes the field.
            if (member is IFieldSymbol keptIn && ReturnedBy(keptIn) is IPropertySymbol exposedBy)
            {
                foreach (var invoked in InvocationsOf(exposedBy))
                {
                    yield return invoked;
                }
            }
        }

        /// <summary>The invocations of the delegate kept in <paramref name="member"/> (<c>member(…)</c>, <c>x.Member(…)</c>).</summary>
        private IEnumerable<CallSite> InvocationsOf(ISymbol member)
        {
            if (!TryGetCandidates(member.Name, out var candidates))
            {
                yield break;
            }

            foreach (var candidate in candidates)
            {
                var node = candidate.Node;
                if (!(node is InvocationExpressionSyntax) || candidate.Target != null && candidate.Target.MethodKind != MethodKind.DelegateInvoke)
                {
                    continue;
                }

                var semanticModel = candidate.Operation?.SemanticModel ?? model.ModelFor(node.SyntaxTree);
                if ((candidate.Operation ?? semanticModel.GetOperation(node)) is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke, Instance: IMemberReferenceOperation invoked } invocation
                    && SymbolEqualityComparer.Default.Equals(invoked.Member.OriginalDefinition, member.OriginalDefinition)
                    && (candidate.Container != null ? EnclosingMethod(invocation, candidate.Container) : EnclosingMethod(semanticModel, node)) is IMethodSymbol invoker)
                {
                    yield return new CallSite(invocation, invoker);
                }
            }
        }

        /// <summary>
        /// The property of <paramref name="field"/>'s type that only returns it — <c>=&gt; field</c>, <c>get =&gt; field;</c>,
        /// <c>get { return field; }</c>, with or without <c>this.</c> — read from syntax; null when there is none or more
        /// than one. Asked only for a field that keeps a delegate a source method was handed to.
        /// </summary>
        private static IPropertySymbol? ReturnedBy(IFieldSymbol field)
        {
            IPropertySymbol? found = null;
            foreach (var candidate in field.ContainingType.GetMembers())
            {
                if (!(candidate is IPropertySymbol property) || property.IsIndexer
                    || !SymbolEqualityComparer.Default.Equals(property.Type, field.Type)
                    || property.DeclaringSyntaxReferences.Length != 1
                    || !(property.DeclaringSyntaxReferences[0].GetSyntax() is PropertyDeclarationSyntax declaration)
                    || !Returns(Getter(declaration), field.Name))
                {
                    continue;
                }

                if (found != null)
                {
                    return null;
                }

                found = property;
            }

            return found;
        }

        /// <summary>The expression a property's getter returns when it is one expression or one <c>return</c>.</summary>
        private static ExpressionSyntax? Getter(PropertyDeclarationSyntax declaration)
        {
            if (declaration.ExpressionBody != null)
            {
                return declaration.ExpressionBody.Expression;
            }

            var accessors = declaration.AccessorList?.Accessors;
            if (accessors == null)
            {
                return null;
            }

            foreach (var accessor in accessors.Value)
            {
                if (!accessor.Keyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.GetKeyword))
                {
                    continue;
                }

                return accessor.ExpressionBody?.Expression
                    ?? (accessor.Body is { Statements.Count: 1 } body && body.Statements[0] is ReturnStatementSyntax returned ? returned.Expression : null);
            }

            return null;
        }

        private static bool Returns(ExpressionSyntax? expression, string fieldName)
            => expression switch
            {
                IdentifierNameSyntax name => name.Identifier.ValueText == fieldName,
                MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax name } => name.Identifier.ValueText == fieldName,
                _ => false,
            };

        /// <summary>
        /// The field or property a source method (a constructor, mostly) keeps its delegate parameter in: <c>_watchMaker =
        /// watchMaker;</c>, <c>this.Resolver = resolver ?? throw …</c>. A method handed to that parameter runs wherever the
        /// member is invoked (the shape of KubeSharper's event sources, Kaponata's <c>listOperation</c> and RabbitMQ's endpoint
        /// resolver in the surveys). Null when the method keeps it nowhere, or keeps it in more than one member. Asked once per
        /// parameter; the method's body is bound only when no recorded operation of it is at hand.
        /// </summary>
        private ISymbol? StoredFrom(IParameterSymbol parameter)
            => storedParameters.GetOrAdd(parameter.OriginalDefinition, p => FindStore((IParameterSymbol)p));

        private readonly ConcurrentDictionary<IParameterSymbol, ISymbol?> storedParameters =
            new ConcurrentDictionary<IParameterSymbol, ISymbol?>(SymbolEqualityComparer.Default);

        private ISymbol? FindStore(IParameterSymbol parameter)
        {
            if (parameter.Type.TypeKind != TypeKind.Delegate || !(parameter.ContainingSymbol is IMethodSymbol method) || method.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            var declaration = method.DeclaringSyntaxReferences[0].GetSyntax();
            if (!model.Compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                return null;
            }

            ISymbol? stored = null;
            var semanticModel = model.ModelFor(declaration.SyntaxTree);
            foreach (var assignment in declaration.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                // Only assignments whose right side names the parameter (cheap, from syntax) are bound.
                if (!assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == parameter.Name)
                    || !(semanticModel.GetOperation(assignment) is ISimpleAssignmentOperation { Target: IMemberReferenceOperation target } bound)
                    || !(target.Member is IFieldSymbol || target.Member is IPropertySymbol)
                    || !(Unwrap.Conversions(StoredValue(bound.Value)) is IParameterReferenceOperation reference)
                    || !SymbolEqualityComparer.Default.Equals(reference.Parameter.OriginalDefinition, parameter))
                {
                    continue;
                }

                if (stored != null && !SymbolEqualityComparer.Default.Equals(stored, target.Member.OriginalDefinition))
                {
                    return null;
                }

                stored = target.Member.OriginalDefinition;
            }

            return stored;
        }

        /// <summary><c>p ?? throw new ArgumentNullException(…)</c> → <c>p</c>.</summary>
        private static IOperation StoredValue(IOperation value)
            => Unwrap.Conversions(value) is ICoalesceOperation coalesce && Unwrap.Conversions(coalesce.WhenNull) is IThrowOperation ? coalesce.Value : value;

        /// <summary>The method a bound call or method group names; null for a call that does not bind.</summary>
        private static IMethodSymbol? BoundTarget(IOperation? operation)
            => operation switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IMethodReferenceOperation reference => reference.Method,
                IDelegateCreationOperation { Target: IMethodReferenceOperation reference } => reference.Method,
                _ => null,
            };

        /// <summary>
        /// The method a site calls: the bound one, or the only candidate when binding failed on the arguments alone — an
        /// argument of a type the compilation lacks (partial compilations, the IDE while restoring) or a lambda parameter
        /// whose type is unknown because the call around the lambda does not bind (a pre-10.x <c>.Watch(onEvent: …)</c>).
        /// </summary>
        private static IMethodSymbol? Target(SymbolInfo info)
            => info.Symbol as IMethodSymbol
                ?? (info.CandidateReason == CandidateReason.OverloadResolutionFailure && info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] as IMethodSymbol : null);

        /// <summary>
        /// Whether <paramref name="method"/> accepts <paramref name="arguments"/> arguments as written (an extension
        /// method called as one has its receiver outside the list; <c>params</c> takes any number).
        /// </summary>
        private static bool CanTake(IMethodSymbol method, int arguments)
        {
            var parameters = method.Parameters;
            int required = 0;
            bool hasParams = false;
            foreach (var parameter in parameters)
            {
                hasParams |= parameter.IsParams;
                if (!parameter.IsOptional && !parameter.IsParams)
                {
                    required++;
                }
            }

            int max = hasParams ? int.MaxValue : parameters.Length;
            if (method.IsExtensionMethod)
            {
                // Called as x.M(…): one fewer; called as Type.M(x, …): as declared.
                return arguments >= required - 1 && arguments <= max;
            }

            return arguments >= required && arguments <= max;
        }

        /// <summary>
        /// <paramref name="target"/> (what a site binds to) reaches <paramref name="method"/>: the same method, its
        /// reduced extension form, an interface member it implements, or a method it overrides.
        /// </summary>
        internal static bool IsCallOf(IMethodSymbol target, IMethodSymbol method)
        {
            var wanted = method.OriginalDefinition;
            var bound = (target.ReducedFrom ?? target).OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(bound, wanted))
            {
                return true;
            }

            if (bound.ContainingType?.TypeKind == TypeKind.Interface && wanted.ContainingType != null)
            {
                foreach (var implemented in wanted.ContainingType.AllInterfaces)
                {
                    if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, bound.ContainingType))
                    {
                        continue;
                    }

                    foreach (var member in implemented.GetMembers(bound.Name))
                    {
                        if (SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, bound)
                            && wanted.ContainingType.FindImplementationForInterfaceMember(member) is IMethodSymbol implementation
                            && IsOrOverrides(wanted, implementation.OriginalDefinition))
                        {
                            return true;
                        }
                    }
                }
            }

            for (var overridden = wanted.OverriddenMethod; overridden != null; overridden = overridden.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, bound))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <paramref name="method"/> is <paramref name="implementation"/> or overrides it: an interface member implemented
        /// by an abstract or virtual method of a base class runs the derived class's override (couchbase-net-client's
        /// <c>IConnectionPool.ScaleAsync</c> → <c>ConnectionPoolBase</c> → <c>ChannelConnectionPool</c>, unseen survey set).
        /// </summary>
        private static bool IsOrOverrides(IMethodSymbol method, IMethodSymbol implementation)
        {
            for (IMethodSymbol? current = method; current != null; current = current.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, implementation))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The method or local function around a recorded site: the innermost local function among its operation's
        /// parents, else the member the driver analyzed it in (a lambda counts as the method it is written in).
        /// </summary>
        private static IMethodSymbol? EnclosingMethod(IOperation operation, ISymbol container)
        {
            for (var parent = operation.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is ILocalFunctionOperation local)
                {
                    return local.Symbol;
                }
            }

            return container as IMethodSymbol;
        }

        /// <summary>The method or local function around <paramref name="node"/>; a lambda counts as the method it is written in.</summary>
        private static IMethodSymbol? EnclosingMethod(SemanticModel model, SyntaxNode node)
        {
            var symbol = model.GetEnclosingSymbol(node.SpanStart);
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction })
            {
                symbol = symbol.ContainingSymbol;
            }

            return symbol as IMethodSymbol;
        }

        /// <summary>
        /// Every name that is invoked (<c>x.M(…)</c>, <c>M(…)</c>) or handed over as a method group (an argument, the
        /// right of <c>+=</c>/<c>=</c>): the nodes a binding will be asked about. Syntax only, no binding.
        /// </summary>
        private static IEnumerable<SyntaxNode> Roots(Compilation compilation)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                yield return tree.GetRoot();
            }
        }

        private static Dictionary<string, List<CallRecorder.Site>> Index(IEnumerable<SyntaxNode> roots)
        {
            var index = new Dictionary<string, List<CallRecorder.Site>>();
            foreach (var root in roots)
            {
                foreach (var node in root.DescendantNodes())
                {
                    string? name = null;
                    SyntaxNode? site = null;
                    switch (node)
                    {
                        case InvocationExpressionSyntax invocation:
                            name = CalledNames.Method(invocation);
                            site = invocation;
                            break;
                        case SimpleNameSyntax simple when MethodGroupExpression(simple) is SyntaxNode group:
                            name = simple.Identifier.ValueText;
                            site = group;
                            break;
                    }

                    if (name != null && site != null)
                    {
                        if (!index.TryGetValue(name, out var list))
                        {
                            list = new List<CallRecorder.Site>();
                            index.Add(name, list);
                        }

                        list.Add(new CallRecorder.Site(site, null, null));
                    }
                }
            }

            return index;
        }

        /// <summary>
        /// The expression that may be a method group (<c>new Timer(Tick, …)</c>, <c>Run(this.PollAsync)</c>,
        /// <c>timer.Elapsed += OnElapsed</c>): the name, or the member access it ends; null elsewhere.
        /// </summary>
        /// <summary>The name a recorded site spells: the invoked method's, or the method group's.</summary>
        internal static string? SpelledName(SyntaxNode site)
            => site switch
            {
                InvocationExpressionSyntax invocation => CalledNames.Method(invocation),
                MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => null,
            };

        internal static SyntaxNode? MethodGroupExpression(SimpleNameSyntax name)
        {
            SyntaxNode expression = name.Parent is MemberAccessExpressionSyntax member && member.Name == name ? member : name;
            return expression.Parent is ArgumentSyntax || (expression.Parent is AssignmentExpressionSyntax assignment && assignment.Right == expression)
                ? expression
                : null;
        }
    }
}
