using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Workload;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1003 through callers: the loop is in a long-lived owner (a hosted service's execute loop, or a loop of the
    /// class that lists), the LIST in a method it calls. The informer becomes a field of the class that lists, created
    /// and started on the first call, and the LIST a read of its cache:
    /// <code>
    /// private Informer&lt;V1Pod, V1PodList&gt;? podInformer;
    /// …
    /// await LazyInitializer.EnsureInitialized(ref podInformer, () =&gt; Informers.Create(ListWatch.FromHttpOperation&lt;V1Pod, V1PodList&gt;(…))).StartAsync(ct);
    /// V1PodList pods = podInformer.List();
    /// </code>
    /// Started on first use, not by the owner, so the fix edits one document (the owner may be in another file) and
    /// needs no change to its constructor or to the DI registrations; after the first sync, <c>StartAsync</c> returns at
    /// once. <c>LazyInitializer</c> publishes one informer however many callers race (a loser's informer is never started).
    /// The informer lives as long as the object that lists; so the fix is offered only where the call chain shows
    /// that object kept by the owner for the loop's life: every call from the loop down is on <c>this</c>, a
    /// <c>readonly</c> field, a get-only auto-property or a primary-constructor parameter, and the owner is a hosted
    /// service or the class that lists. The LIST's arguments must be the same on every call (constants, <c>readonly</c>
    /// fields, …): an argument that can change between calls would need an informer per value.
    /// </summary>
    public sealed partial class RES1003UseInformerFixer
    {
        private static FixPlan? PlanField(
            SemanticModel model, Diagnostic diagnostic, InvocationExpressionSyntax invocation, IInvocationOperation operation, KubernetesCall call,
            FixState state, CancellationToken cancellationToken)
        {
            var awaited = FixHelpers.AwaitOf(invocation);
            if (awaited == null
                || !operation.TargetMethod.Name.EndsWith("Async", System.StringComparison.Ordinal)
                || !(model.GetEnclosingSymbol(awaited.SpanStart, cancellationToken) is IMethodSymbol lister)
                || lister.IsStatic
                || lister.MethodKind != MethodKind.Ordinary
                || !(lister.ContainingType is { TypeKind: TypeKind.Class } holderType)
                || !(awaited.Parent != null && StatementOf(awaited) is StatementSyntax statement)
                || !(statement.Parent is BlockSyntax)
                || statement.Ancestors().TakeWhile(a => !(a is MemberDeclarationSyntax)).OfType<TryStatementSyntax>().Any(t => t.Catches.Count > 0 && t.Block.Span.Contains(statement.Span))
                || !(holderType.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>()
                    .FirstOrDefault(t => t.SyntaxTree == invocation.SyntaxTree && t.Span.Contains(invocation.Span)) is TypeDeclarationSyntax holder)
                || !KeptByOwner(model.Compilation, diagnostic, lister, cancellationToken)
                || !operation.Arguments.Where(a => a.Parameter?.Name != "cancellationToken").All(a => a.ArgumentKind == ArgumentKind.DefaultValue || SameOnEveryCall(a.Value))
                || (operation.Instance != null && !SameOnEveryCall(operation.Instance)))
            {
                return null;
            }

            // (await client.…ListXAsync(…)).Items → podInformer.List().Items
            ExpressionSyntax target = awaited.Parent is ParenthesizedExpressionSyntax parenthesized && parenthesized.Parent is MemberAccessExpressionSyntax ? parenthesized : awaited;
            var listWatch = ListWatchSyntax.TryCreate(model, operation, call);
            if (listWatch != null && listWatch.CapturedLocals.Count == 0 && PlanInjected(model, operation, call, listWatch, statement, target, awaited, state, cancellationToken) is { } injected)
            {
                return injected;
            }

            var lazy = model.Compilation.GetTypeByMetadataName("System.Threading.LazyInitializer");
            var informers = model.Compilation.GetTypeByMetadataName(InformersType);
            var informer = model.Compilation.GetTypeByMetadataName(InformerType);
            if (listWatch == null || listWatch.CapturedLocals.Count > 0 || lazy == null || informers == null || informer == null)
            {
                return null;
            }

            // Two calls of the class that list the same thing (same operation, same arguments, all fixed) share one informer.
            var create = InvocationExpression(
                TypeNames.StaticMember(informers, "Create"),
                ArgumentList(SingletonSeparatedList(Argument(listWatch.Expression))));
            string key = holder.SpanStart + ":" + CreationKey(create);
            FieldDeclarationSyntax? field = null;
            if (!state.Fields.TryGetValue(key, out var name) && ExistingField(holder, key) is string existing)
            {
                // An earlier fix of this class made the informer: one at a time or all at once, the result is the same.
                state.Fields[key] = name = existing;
            }

            if (name == null)
            {
                string kind = char.ToLowerInvariant(call.Kind[0]) + call.Kind.Substring(1);
                name = FieldName(holder, holderType, kind + "Informer", state.Taken);
                state.Fields[key] = name;
                TypeSyntax informerType = TypeNames.Of(informer, listWatch.Types);
                if (model.GetNullableContext(holder.SpanStart).AnnotationsEnabled())
                {
                    informerType = NullableType(informerType);
                }

                field = FieldDeclaration(VariableDeclaration(informerType, SingletonSeparatedList(VariableDeclarator(Identifier(name)))))
                    .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword)))
                    .WithAdditionalAnnotations(Formatter.Annotation);
            }

            var ensure = InvocationExpression(
                TypeNames.StaticMember(lazy, "EnsureInitialized"),
                ArgumentList(SeparatedList(new[]
                {
                    Argument(null, Token(SyntaxKind.RefKeyword), IdentifierName(name)),
                    Argument(ParenthesizedLambdaExpression(ParameterList(), create)),
                })));
            ExpressionSyntax start = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ensure, IdentifierName("StartAsync")),
                listWatch.CancellationToken == null ? ArgumentList() : ArgumentList(SingletonSeparatedList(Argument(listWatch.CancellationToken))));
            start = FixHelpers.WithConfigureAwaitOf(awaited, invocation, start);
            return new FixPlan(
                statement,
                target,
                name,
                new StatementSyntax[] { ExpressionStatement(AwaitExpression(start)).WithAdditionalAnnotations(Formatter.Annotation) },
                holder,
                field);
        }

        /// <summary>
        /// The field of an informer this fix already made in <paramref name="holder"/> for the same list (the <c>ref</c> of an
        /// <c>EnsureInitialized(ref field, () =&gt; Informers.Create(…))</c> whose creation matches <paramref name="key"/>).
        /// </summary>
        private static string? ExistingField(TypeDeclarationSyntax holder, string key)
        {
            foreach (var call in holder.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "EnsureInitialized" }
                    && call.ArgumentList.Arguments.Count == 2
                    && call.ArgumentList.Arguments[0] is { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword, Expression: IdentifierNameSyntax field }
                    && call.ArgumentList.Arguments[1].Expression is ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0, ExpressionBody: ExpressionSyntax made }
                    && holder.SpanStart + ":" + CreationKey(made) == key)
                {
                    return field.Identifier.ValueText;
                }
            }

            return null;
        }

        /// <summary>
        /// What makes two informer creations the same list: the <c>FromHttpOperation</c> type arguments and operation of
        /// <c>Informers.Create(ListWatch.FromHttpOperation&lt;…&gt;(…))</c>, however the runtime's types are written (the fix
        /// writes them qualified; the cleanup may shorten them). Null for any other expression.
        /// </summary>
        private static string? CreationKey(ExpressionSyntax creation)
            => creation is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Create" }, ArgumentList.Arguments: { Count: 1 } createArguments }
                ? FromHttpKey(createArguments[0].Expression)
                : null;

        /// <summary>The type arguments and operation of <c>ListWatch.FromHttpOperation&lt;…&gt;(…)</c> (the list it makes); null for any other expression.</summary>
        private static string? FromHttpKey(ExpressionSyntax listWatch)
            => listWatch is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax { Identifier.ValueText: "FromHttpOperation" } fromHttp }, ArgumentList.Arguments: { Count: 1 } operation }
                ? fromHttp.TypeArgumentList.NormalizeWhitespace().ToFullString() + operation[0].NormalizeWhitespace().ToFullString()
                : null;

        /// <summary>
        /// The statement that evaluates <paramref name="awaited"/> every time it runs, before anything it does after:
        /// <c>var x = await …;</c>, <c>return (await …).Items;</c>, <c>Use(await …);</c>. Null when the await is
        /// conditional (<c>&amp;&amp;</c>, <c>?:</c>, <c>??</c>, <c>?.</c>) or inside a lambda: starting the informer
        /// before the statement would then run what the code may not run.
        /// </summary>
        private static StatementSyntax? StatementOf(AwaitExpressionSyntax awaited)
        {
            SyntaxNode child = awaited;
            for (var node = awaited.Parent; node != null; child = node, node = node.Parent)
            {
                switch (node)
                {
                    case StatementSyntax statement:
                        return statement is LocalDeclarationStatementSyntax || statement is ReturnStatementSyntax || statement is ExpressionStatementSyntax ? statement : null;
                    case ParenthesizedExpressionSyntax _:
                    case CastExpressionSyntax _:
                    case ArgumentSyntax _:
                    case ArgumentListSyntax _:
                    case EqualsValueClauseSyntax _:
                    case VariableDeclaratorSyntax _:
                    case VariableDeclarationSyntax _:
                        continue;
                    case MemberAccessExpressionSyntax member when member.Expression == child:
                        continue;
                    case InvocationExpressionSyntax call when call.Expression == child || call.ArgumentList == child:
                        continue;
                    case AssignmentExpressionSyntax assignment when assignment.Right == child && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>
        /// The object that lists lives as long as the loop that repeats it: every call of the chain (the diagnostic's
        /// additional locations, outermost first) is made on <c>this</c> or on an object the caller keeps
        /// (<see cref="SameOnEveryCall"/>), the outermost repeats as a loop or timer (not per request, not a scheduled
        /// job, whose objects are made per run), and its class is a hosted service or the class that lists.
        /// </summary>
        private static bool KeptByOwner(Compilation compilation, Diagnostic diagnostic, IMethodSymbol lister, CancellationToken cancellationToken)
        {
            bool singleton = IsSingleton(lister.ContainingType, cancellationToken);
            INamedTypeSymbol? owner = null;
            IMethodSymbol? last = null;
            foreach (var location in diagnostic.AdditionalLocations)
            {
                if (location.SourceTree == null || !compilation.ContainsSyntaxTree(location.SourceTree))
                {
                    return false;
                }

                var siteModel = compilation.GetSemanticModel(location.SourceTree);
                var node = location.SourceTree.GetRoot(cancellationToken).FindNode(location.SourceSpan, getInnermostNodeForTie: true);
                var site = node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
                if (site == null || !(siteModel.GetOperation(site, cancellationToken) is IInvocationOperation call)
                    || (!singleton && (call.TargetMethod.IsStatic || call.Instance == null || !SameOnEveryCall(call.Instance))))
                {
                    return false;
                }

                if (owner == null)
                {
                    var frequency = Periodicity.Of(call, callPages: false);
                    if (!frequency.IsPeriodic || (frequency.PerRequest && !singleton) || frequency.IsSchedule || frequency.RestartCallback != null)
                    {
                        return false;
                    }

                    owner = siteModel.GetEnclosingSymbol(site.SpanStart, cancellationToken)?.ContainingType;
                }

                last = call.TargetMethod;
            }

            // The last call is to the method that lists, directly or through an interface it implements.
            var holderType = lister.ContainingType;
            return owner != null
                && last != null
                && (SymbolEqualityComparer.Default.Equals(last.OriginalDefinition, lister.OriginalDefinition)
                    || SymbolEqualityComparer.Default.Equals(holderType.FindImplementationForInterfaceMember(last), lister))
                && (singleton
                    || SymbolEqualityComparer.Default.Equals(owner, holderType)
                    || owner.AllInterfaces.Any(i => i.Name == "IHostedService" && i.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Hosting"));
        }

        /// <summary>
        /// Only the class itself makes its objects, and only in static field or property initializers
        /// (<c>public static K8sClientService Instance { get; } = new();</c> with private constructors): however the
        /// callers reach it, there are as many informers as such fields (survey: ApplicationInsights-Kubernetes).
        /// </summary>
        private static bool IsSingleton(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (type.InstanceConstructors.IsEmpty
                || type.InstanceConstructors.Any(c => c.DeclaredAccessibility != Accessibility.Private || c.IsImplicitlyDeclared))
            {
                return false;
            }

            foreach (var declaration in type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)))
            {
                foreach (var creation in declaration.DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>())
                {
                    var member = creation.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault();
                    bool staticInitializer = creation.Ancestors().Any(a => a is EqualsValueClauseSyntax)
                        && (member is FieldDeclarationSyntax || member is PropertyDeclarationSyntax)
                        && member.Modifiers.Any(SyntaxKind.StaticKeyword);
                    if (!staticInitializer && (creation is ImplicitObjectCreationExpressionSyntax || creation is ObjectCreationExpressionSyntax { Type: var named } && named.ToString().Split('.').Last() == type.Name))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// <paramref name="value"/> is the same on every call of the method: a constant, <c>this</c>, a <c>readonly</c> field,
        /// a get-only auto-property, a primary-constructor parameter, a property of the client's own types (<c>client.CoreV1</c>),
        /// or text made of those. A local, a parameter of the method or a call may differ from one call to the next.
        /// </summary>
        private static bool SameOnEveryCall(IOperation value)
        {
            if (value.ConstantValue.HasValue)
            {
                return true;
            }

            switch (value)
            {
                case IInstanceReferenceOperation _:
                    return true;
                case IFieldReferenceOperation field:
                    return (field.Field.IsReadOnly || field.Field.IsConst) && (field.Instance == null || SameOnEveryCall(field.Instance));
                case IPropertyReferenceOperation property:
                    return property.Arguments.IsEmpty
                        && (IsClientProperty(property.Property) || IsGetOnlyAutoProperty(property.Property))
                        && (property.Instance == null || SameOnEveryCall(property.Instance));
                case IParameterReferenceOperation parameter:
                    // A primary constructor's parameter, read from a method: captured once per object.
                    return parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor };
                case IConversionOperation _:
                case IParenthesizedOperation _:
                case IBinaryOperation _:
                case IInterpolatedStringOperation _:
                case IInterpolatedStringTextOperation _:
                case IInterpolationOperation _:
                    return value.ChildOperations.All(SameOnEveryCall);
                default:
                    return false;
            }
        }

        /// <summary><c>client.CoreV1</c>: a property of the client's own types (not <c>DateTime.Now</c>, not <c>Environment.MachineName</c>).</summary>
        private static bool IsClientProperty(IPropertySymbol property)
            => property.Locations.All(l => l.IsInMetadata) && property.ContainingNamespace?.ToDisplayString() == "k8s";

        private static bool IsGetOnlyAutoProperty(IPropertySymbol property)
            => property.SetMethod == null
                && property.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));

        /// <summary><c>xInformer?.Dispose();</c>, as <see cref="AddFields"/> writes it.</summary>
        private static bool IsInformerDispose(StatementSyntax statement)
            => statement is ExpressionStatementSyntax
            {
                Expression: ConditionalAccessExpressionSyntax
                {
                    Expression: IdentifierNameSyntax field,
                    WhenNotNull: InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Dispose" }, ArgumentList.Arguments.Count: 0 },
                },
            }
            && field.Identifier.ValueText.Contains("Informer");

        /// <summary>
        /// <paramref name="preferred"/>, or numbered, so it clashes with no member of the class (its own or inherited) and
        /// no local or parameter declared anywhere in it (a local of that name would hide the field where it is read).
        /// </summary>
        private static string FieldName(TypeDeclarationSyntax holder, INamedTypeSymbol holderType, string preferred, ISet<string> taken)
        {
            var used = new HashSet<string>(FixHelpers.DeclaredNames(holder));
            for (var type = holderType; type != null; type = type.BaseType)
            {
                used.UnionWith(type.MemberNames);
            }

            return FixHelpers.UniqueAmong(preferred, used, taken);
        }

        /// <summary>
        /// The new fields after the class's last field, or first in the class when it has none. When the class has its own
        /// <c>Dispose()</c>, the informers are disposed there first (before what they read from, the client, is disposed):
        /// after the informers an earlier fix disposed there, so one fix at a time and Fix All write the same.
        /// </summary>
        private static void AddFields(DocumentEditor editor, TypeDeclarationSyntax holder, IReadOnlyList<MemberDeclarationSyntax> fields, bool dispose = true)
        {
            var disposeMethod = !dispose ? null : holder.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m =>
                m.Identifier.ValueText == "Dispose" && m.ParameterList.Parameters.Count == 0 && m.Arity == 0
                && m.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword } && m.Body != null);
            if (disposeMethod?.Body != null)
            {
                var statements = fields.OfType<FieldDeclarationSyntax>().Select(f => (StatementSyntax)ExpressionStatement(ConditionalAccessExpression(
                    IdentifierName(f.Declaration.Variables[0].Identifier.ValueText),
                    InvocationExpression(MemberBindingExpression(IdentifierName("Dispose")))))
                    .WithAdditionalAnnotations(Formatter.Annotation)).ToArray();
                var earlier = disposeMethod.Body.Statements.TakeWhile(IsInformerDispose).LastOrDefault();
                if (earlier != null)
                {
                    editor.InsertAfter(earlier, statements);
                }
                else if (disposeMethod.Body.Statements.Count > 0)
                {
                    editor.InsertBefore(disposeMethod.Body.Statements[0], statements);
                }
                else
                {
                    editor.ReplaceNode(disposeMethod.Body, disposeMethod.Body.AddStatements(statements));
                }
            }

            var lastField = holder.Members.OfType<FieldDeclarationSyntax>().LastOrDefault();
            if (fields.Count == 0)
            {
                return;
            }

            if (lastField != null)
            {
                editor.InsertAfter(lastField, fields);
            }
            else if (holder.Members.Count > 0)
            {
                editor.InsertBefore(holder.Members[0], fields);
            }
            else
            {
                foreach (var field in fields)
                {
                    editor.AddMember(holder, field);
                }
            }
        }
    }
}
