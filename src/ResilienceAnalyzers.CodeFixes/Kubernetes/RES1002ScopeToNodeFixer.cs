using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Workload;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1002 → narrow the call with a field selector: <c>spec.nodeName=&lt;node&gt;</c> for a per-node pod
    /// list/watch, <c>metadata.name=&lt;name&gt;</c> when the copy looks for its own node or pod. An existing
    /// constant selector is kept and extended. The name comes from a string variable in scope
    /// (<c>nodeName</c>, <c>_nodeName</c>, …) or else from the downward-API environment variable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES1002ScopeToNodeFixer))]
    [Shared]
    public sealed class RES1002ScopeToNodeFixer : DocumentFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.ClusterWideAccess);

        /// <summary>Nothing beyond the client: the fixed call is the same call with a selector.</summary>
        private protected override string? RequiredType => null;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => Plan(root, model, diagnostic, cancellationToken)?.Title;

        private protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return document;
            }

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var seen = new HashSet<SyntaxNode>();
            bool changed = false;
            foreach (var diagnostic in diagnostics)
            {
                if (Plan(root, model, diagnostic, cancellationToken) is { } plan && seen.Add(plan.Replaced))
                {
                    editor.ReplaceNode(plan.Replaced, plan.Replacement);
                    ReadByNameSyntax.RemoveList(editor, plan.Removed, plan.Next);

                    changed = true;
                }
            }

            if (!changed)
            {
                return document;
            }

            return document.WithSyntaxRoot(editor.GetChangedRoot());
        }

        private sealed class FixPlan
        {
            public FixPlan(SyntaxNode replaced, SyntaxNode replacement, string title, StatementSyntax? removed = null, StatementSyntax? next = null)
            {
                Next = next;
                Replaced = replaced;
                Replacement = replacement;
                Title = title;
                Removed = removed;
            }

            public SyntaxNode Replaced { get; }

            public SyntaxNode Replacement { get; }

            public string Title { get; }

            /// <summary>A statement the fix removes (the list, when its search becomes a GET by name).</summary>
            public StatementSyntax? Removed { get; }

            public StatementSyntax? Next { get; }
        }

        /// <summary>The diagnostic cases that have a selector or a GET to offer (RES1002ClusterWideAccessAnalyzer.KindProperty).</summary>
        private static readonly ImmutableHashSet<string> FixedKinds = ImmutableHashSet.Create("Pod", "Node", "PodByName", "ByName", "PodOnNode");

        private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (invocation == null
                || !diagnostic.Properties.TryGetValue(RES1002ClusterWideAccessAnalyzer.KindProperty, out string? kind)
                || kind == null
                || !FixedKinds.Contains(kind) // "NamespacePods", "SharedKind": no node selector applies, and the narrowing is the code's intent
                || !(model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation)
                || !KubernetesApi.TryGetCall(operation, out var call)
                || call == null
                || !call.Accepts(KubernetesParameter.FieldSelector))
            {
                return null;
            }

            // "ByName": the list is searched for one object by name; "PodOnNode": the pods are filtered by node on the
            // client. Either way the value it compares with moves into the selector.
            ExpressionSyntax? searchedName = null;
            if (kind == "ByName" || kind == "PodOnNode")
            {
                searchedName = diagnostic.AdditionalLocations.Count > 0
                    ? root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) as ExpressionSyntax
                    : null;
                if (searchedName == null)
                {
                    return null;
                }

                // Listing to find one object by name: a GET by name where it means the same (ReadByNameSyntax says where).
                if (kind == "ByName" && ReadByNameSyntax.TryCreate(model, operation, searchedName, cancellationToken) is { } read)
                {
                    return ReadPlan(read, call);
                }
            }

            // Per-node code listing every node to pick its own by name (the analyzer reports the cluster-wide list first, with
            // no anchor): the GET of that node where it means the same, rather than a list narrowed by metadata.name=.
            if (kind == "Node" && OwnObjectScan.Find(operation)?.Syntax is ExpressionSyntax ownNode
                && ReadByNameSyntax.TryCreate(model, operation, ownNode, cancellationToken) is { } readNode)
            {
                return ReadPlan(readNode, call);
            }

            string selectorKey = kind == "Pod" || kind == "PodOnNode" ? "spec.nodeName=" : "metadata.name=";

            // metadata.name= on a list of every namespace still makes the API server read every object of the kind (it cannot
            // look the name up without a namespace: RES1002ClusterWideAccessAnalyzer.NamedAcrossNamespaces), and the object's
            // namespace is not in the call: no fix, the message says what to do.
            if (selectorKey == "metadata.name=" && call.Scope == Resilience.CostModel.RequestScope.AllNamespaces)
            {
                return null;
            }
            string title = kind == "Pod" || kind == "PodOnNode"
                ? "Scope to this node's pods (fieldSelector spec.nodeName)"
                : kind == "Node" ? "Select only this node (fieldSelector metadata.name)"
                : kind == "ByName" ? "Select only the object it looks for (fieldSelector metadata.name)"
                : "Select only this pod (fieldSelector metadata.name)";

            ExpressionSyntax nameExpression;
            if (searchedName != null)
            {
                nameExpression = ParenthesizeIfNeeded(searchedName.WithoutTrivia());
            }
            else
            {
                bool pod = kind == "PodByName";
                string variable = diagnostic.Properties.TryGetValue(RES1002ClusterWideAccessAnalyzer.VariableProperty, out string? configured) && !string.IsNullOrEmpty(configured)
                    ? configured!
                    : pod ? "POD_NAME" : "NODE_NAME";
                if (!(NameExpression(model, invocation, pod, variable, cancellationToken) is { } source))
                {
                    return null;
                }

                nameExpression = source.Expression;
                if (source.Variable != null)
                {
                    title += " from " + source.Variable + " (set it from the downward API)";
                }
            }

            var existing = call.Argument(KubernetesParameter.FieldSelector);
            string prefix = string.Empty;
            if (existing != null)
            {
                var value = StringValue.Of(existing);
                if (value != null && value.IsConstant && value.Text.Length > 0)
                {
                    prefix = value.Text + ",";
                }
            }

            ExpressionSyntax selector = BinaryExpression(
                SyntaxKind.AddExpression,
                LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(prefix + selectorKey)),
                nameExpression);

            InvocationExpressionSyntax updated;
            if (existing?.Syntax.Parent is ArgumentSyntax argumentSyntax && invocation.ArgumentList.Arguments.Contains(argumentSyntax))
            {
                updated = invocation.ReplaceNode(argumentSyntax, argumentSyntax.WithExpression(selector.WithTriviaFrom(argumentSyntax.Expression)));
            }
            else
            {
                var argument = Argument(NameColon(IdentifierName("fieldSelector")), default, selector);
                updated = invocation.WithArgumentList(invocation.ArgumentList.AddArguments(argument));
            }

            return new FixPlan(invocation, updated.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation), title);
        }

        private static FixPlan ReadPlan(ReadByNameSyntax read, KubernetesCall call)
            => new FixPlan(read.Replaced, read.Replacement.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation),
                "Read the " + call.Kind + " by name (" + read.ReadName + ")", read.Removed, read.Next);

        /// <summary><c>"metadata.name=" + (a ?? b)</c>: an operand of lower precedence than <c>+</c> keeps its meaning.</summary>
        private static ExpressionSyntax ParenthesizeIfNeeded(ExpressionSyntax expression)
            => expression is IdentifierNameSyntax || expression is MemberAccessExpressionSyntax || expression is InvocationExpressionSyntax
                || expression is LiteralExpressionSyntax || expression is ElementAccessExpressionSyntax || expression is ParenthesizedExpressionSyntax
                ? expression
                : ParenthesizedExpression(expression);

        /// <summary>
        /// The node (or pod) name from what the code already has, in this order: a string variable, parameter, field or
        /// property in scope named like it (<c>nodeName</c>, <c>_nodeName</c>, …); a string already read from a
        /// downward-API variable (<c>var me = Environment.GetEnvironmentVariable("K8S_NODE_NAME")</c>); the node of the
        /// copy's own pod object in scope (<c>myPod.Spec.NodeName</c>); a <c>NodeName</c> member of the type's settings
        /// (a field or property: <c>_config.NodeName</c>; an <c>IOptions&lt;T&gt;</c> anywhere in scope:
        /// <c>options.Value.NodeName</c>); the variable read through an
        /// <c>IConfiguration</c> in scope. Only then the environment variable itself (<paramref name="variable"/>:
        /// <c>resilience.node_name_variable</c>), and then failing loudly when it is unset — an empty name would select
        /// the pods of no node (or the unscheduled ones) and the copy would silently see nothing. Null when the loud form
        /// cannot be written here (C# before 7, an expression tree).
        /// </summary>
        private static NameSource? NameExpression(SemanticModel model, InvocationExpressionSyntax invocation, bool pod, string variable, CancellationToken cancellationToken)
        {
            string normalizedName = pod ? "podname" : "nodename";
            int position = invocation.SpanStart;
            var enclosing = model.GetEnclosingSymbol(position, cancellationToken);
            bool staticContext = enclosing?.IsStatic == true || (enclosing is IMethodSymbol m && m.MethodKind == MethodKind.LambdaMethod && m.ContainingSymbol?.IsStatic == true);
            var usable = new List<(ISymbol Symbol, ITypeSymbol Type)>();
            foreach (var symbol in model.LookupSymbols(position))
            {
                ITypeSymbol? type = symbol switch
                {
                    // A local declared after the call is in scope but cannot be used yet (CS0841).
                    ILocalSymbol local when local.DeclaringSyntaxReferences.All(r => r.Span.End < position) => local.Type,
                    IParameterSymbol parameter => parameter.Type,
                    IFieldSymbol field when !field.IsImplicitlyDeclared && (field.IsStatic || !staticContext) => field.Type,
                    IPropertySymbol property when !property.IsIndexer && property.GetMethod != null && (property.IsStatic || !staticContext) => property.Type,
                    _ => null,
                };
                if (type != null)
                {
                    usable.Add((symbol, type));
                }
            }

            // 1. Named like it.
            foreach (var (symbol, type) in usable)
            {
                if (type.SpecialType == SpecialType.System_String && Normalize(symbol.Name) == normalizedName)
                {
                    return new NameSource(IdentifierName(symbol.Name), null);
                }
            }

            // 2. A string the code already read from a downward-API variable, whatever its name.
            var downward = pod ? FanOutResolver.PodIdentityVariables.Where(v => v.EndsWith("POD_NAME", StringComparison.Ordinal)) : FanOutResolver.NodeNameVariables;
            foreach (var (symbol, type) in usable)
            {
                if (type.SpecialType == SpecialType.System_String
                    && (symbol is ILocalSymbol || symbol is IFieldSymbol)
                    && symbol.DeclaringSyntaxReferences.Length == 1
                    && symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax declarator
                    && declarator.Initializer != null
                    && declarator.Initializer.Value.DescendantNodesAndSelf().OfType<LiteralExpressionSyntax>()
                        .Any(l => l.IsKind(SyntaxKind.StringLiteralExpression) && (l.Token.ValueText == variable || downward.Contains(l.Token.ValueText))))
                {
                    return new NameSource(IdentifierName(symbol.Name), null);
                }
            }

            // 3. The copy's own pod object: its node is the node this copy runs on.
            if (!pod)
            {
                foreach (var (symbol, type) in usable)
                {
                    if (IsOwnPodName(symbol.Name) && Namespaces.IsType(type, "k8s.Models", "V1Pod") && HasMember(type, "Spec") is ITypeSymbol spec && HasMember(spec, "NodeName")?.SpecialType == SpecialType.System_String)
                    {
                        return new NameSource(
                            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(symbol.Name), IdentifierName("Spec")),
                                IdentifierName("NodeName")),
                            null);
                    }
                }
            }

            // 4. A settings object that carries it (options.NodeName, options.Value.NodeName).
            foreach (var (symbol, type) in usable)
            {
                if (type.SpecialType != SpecialType.None || !(type is INamedTypeSymbol named) || type.TypeKind == TypeKind.Delegate)
                {
                    continue;
                }

                ExpressionSyntax receiver = IdentifierName(symbol.Name);
                ITypeSymbol holder = named;
                if (named.Name == "IOptions" && named.TypeArguments.Length == 1 && Namespaces.IsType(named.OriginalDefinition, "Microsoft.Extensions.Options", "IOptions"))
                {
                    holder = named.TypeArguments[0];
                    receiver = MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, IdentifierName("Value"));
                }
                else if (!(symbol is IFieldSymbol || symbol is IPropertySymbol))
                {
                    // The type's own settings (a field or property), not any object that happens to carry a node name:
                    // a loop's or a parameter's PodInfo.NodeName is some other pod's node.
                    continue;
                }

                if (holder.ContainingNamespace?.ToDisplayString() is string ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns == "k8s" || ns.StartsWith("k8s.", StringComparison.Ordinal)))
                {
                    continue;
                }

                foreach (var member in AllMembers(holder))
                {
                    if (!member.IsStatic && Normalize(member.Name) == normalizedName && model.IsAccessible(position, member)
                        && ((member as IPropertySymbol)?.GetMethod != null || member is IFieldSymbol)
                        && (member is IPropertySymbol p ? p.Type : ((IFieldSymbol)member).Type).SpecialType == SpecialType.System_String)
                    {
                        return new NameSource(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, IdentifierName(member.Name)), null);
                    }
                }
            }

            // Reading the variable: loudly, or not at all.
            var environment = model.Compilation.GetTypeByMetadataName("System.Environment");
            var invalidOperation = model.Compilation.GetTypeByMetadataName("System.InvalidOperationException");
            if (((CSharpParseOptions)invocation.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp7 || InExpressionTree(model, invocation, cancellationToken)
                || environment == null || invalidOperation == null)
            {
                return null;
            }

            string fieldPath = pod ? "metadata.name" : "spec.nodeName";
            var message = LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(
                variable + " is not set: add it to the pod spec from the downward API (" + RES1002ClusterWideAccessAnalyzer.DownwardApi(variable, fieldPath) + ")"));
            var exception = ObjectCreationExpression(TypeNames.Of(invalidOperation))
                .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(message))));
            var variableLiteral = LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(variable));

            // 5. Through the configuration the code has (environment variables are one of its sources).
            ExpressionSyntax read = null!;
            bool found = false;
            foreach (var (symbol, type) in usable)
            {
                if (Namespaces.IsType(type, "Microsoft.Extensions.Configuration", "IConfiguration")
                    || type.AllInterfaces.Any(i => Namespaces.IsType(i, "Microsoft.Extensions.Configuration", "IConfiguration")))
                {
                    read = ElementAccessExpression(IdentifierName(symbol.Name), BracketedArgumentList(SingletonSeparatedList(Argument(variableLiteral))));
                    found = true;
                    break;
                }
            }

            // 6. The environment variable.
            if (!found)
            {
                read = InvocationExpression(
                    TypeNames.StaticMember(environment, "GetEnvironmentVariable"),
                    ArgumentList(SingletonSeparatedList(Argument(variableLiteral))));
            }

            return new NameSource(
                ParenthesizedExpression(BinaryExpression(SyntaxKind.CoalesceExpression, read, ThrowExpression(exception))),
                variable);
        }

        private sealed class NameSource
        {
            public NameSource(ExpressionSyntax expression, string? variable)
            {
                Expression = expression;
                Variable = variable;
            }

            public ExpressionSyntax Expression { get; }

            /// <summary>The environment variable read, when nothing in the code had the name.</summary>
            public string? Variable { get; }
        }

        private static string Normalize(string name) => name.TrimStart('_').Replace("_", string.Empty).ToLowerInvariant();

        /// <summary>A pod object the code names as its own (<c>myPod</c>, <c>ownPod</c>, <c>currentPod</c>, <c>self</c>, …), not any pod.</summary>
        private static bool IsOwnPodName(string name)
        {
            string n = Normalize(name);
            return n == "mypod" || n == "ownpod" || n == "selfpod" || n == "currentpod" || n == "thispod" || n == "self";
        }

        private static ITypeSymbol? HasMember(ITypeSymbol type, string name)
            => AllMembers(type).OfType<IPropertySymbol>().FirstOrDefault(p => p.Name == name && !p.IsStatic && p.GetMethod != null)?.Type;

        private static IEnumerable<ISymbol> AllMembers(ITypeSymbol type)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    yield return member;
                }
            }

            foreach (var i in type.AllInterfaces)
            {
                foreach (var member in i.GetMembers())
                {
                    yield return member;
                }
            }
        }

        /// <summary>A throw expression is not allowed in a lambda converted to an expression tree (CS8188).</summary>
        private static bool InExpressionTree(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
            => node.Ancestors().OfType<AnonymousFunctionExpressionSyntax>().Any(lambda =>
                model.GetTypeInfo(lambda, cancellationToken).ConvertedType is INamedTypeSymbol converted
                && Namespaces.IsType(converted.OriginalDefinition, "System.Linq.Expressions", "Expression"));
    }
}
