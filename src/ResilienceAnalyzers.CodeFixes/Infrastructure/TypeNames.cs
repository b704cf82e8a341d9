using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Infrastructure
{
    /// <summary>
    /// How a fix names the types it writes (issue 12): by their symbols, never a bare name plus a hand-made <c>using</c>.
    /// A fix writes <c>global::Namespace.Type</c> (<see cref="Of(ITypeSymbol)"/>); <see cref="ImportAndReduceAsync"/>, the last
    /// step of every fix (<see cref="DocumentFixProvider"/>), adds <c>using Namespace;</c> where that makes no name the file
    /// already uses ambiguous, and shortens each name only as far as it still binds to the same type at its place. So a
    /// <c>using</c> alias of the namespace, a user type of the same simple name (in the file's namespace, or imported by a
    /// <c>using</c> the file relies on), global usings, file-scoped namespaces and top-level programs all end with a name
    /// that means the runtime's type. (vs-threading's <c>FixUtils</c> names types qualified and lets them be simplified;
    /// the shortening is ours because Roslyn 4.8's simplifier throws on names inside <c>await foreach (var (a, b) in …)</c>.)
    /// </summary>
    internal static class TypeNames
    {
        private const string NameKind = "ResilienceAnalyzers.TypeName";
        private const string ExtensionCallKind = "ResilienceAnalyzers.ExtensionCall";

        /// <summary><c>global::Namespace.Type</c> (with its type arguments, qualified too), marked for <see cref="ImportAndReduceAsync"/>.</summary>
        public static TypeSyntax Of(ITypeSymbol type)
            => type is INamedTypeSymbol named && named.ContainingType == null && !named.ContainingNamespace.IsGlobalNamespace
                ? Of(named, named.IsGenericType ? TypeArgumentList(SeparatedList(named.TypeArguments.Select(a => ParseTypeName(a.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))))) : null)
                : ParseTypeName(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));

        /// <summary><c>global::Namespace.Type&lt;typeArguments&gt;</c>, the type arguments as written, marked for <see cref="ImportAndReduceAsync"/>.</summary>
        public static TypeSyntax Of(INamedTypeSymbol type, TypeArgumentListSyntax? typeArguments)
        {
            SimpleNameSyntax name = typeArguments != null ? GenericName(Identifier(type.Name), typeArguments) : IdentifierName(type.Name);
            var qualifier = (NameSyntax)ParseTypeName(type.ContainingNamespace.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
            return QualifiedName(qualifier, name)
                .WithAdditionalAnnotations(new SyntaxAnnotation(NameKind, type.OriginalDefinition.ContainingNamespace.ToDisplayString() + "." + type.MetadataName));
        }

        /// <summary><c>Type.Member</c> with the type named by its symbol.</summary>
        public static MemberAccessExpressionSyntax StaticMember(ITypeSymbol type, SimpleNameSyntax member)
            => MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Of(type), member);

        /// <summary><c>Type.Member</c> with the type named by its symbol.</summary>
        public static MemberAccessExpressionSyntax StaticMember(ITypeSymbol type, string member)
            => StaticMember(type, IdentifierName(member));

        /// <summary>
        /// The extension method <paramref name="method"/> of <paramref name="extensions"/> on <paramref name="receiver"/>: written
        /// <c>Extensions.Method(receiver, arguments)</c> with the type named by its symbol, and marked so that
        /// <see cref="ImportAndReduceAsync"/> writes it <c>receiver.Method(arguments)</c> wherever that binds to the same method
        /// (the namespace is imported, or could be).
        /// </summary>
        public static InvocationExpressionSyntax ExtensionCall(INamedTypeSymbol extensions, ExpressionSyntax receiver, string method, params ArgumentSyntax[] arguments)
            => InvocationExpression(
                    StaticMember(extensions, method),
                    ArgumentList(SeparatedList(new[] { Argument(receiver.WithoutLeadingTrivia()) }.Concat(arguments))))
                .WithLeadingTrivia(receiver.GetLeadingTrivia())
                .WithAdditionalAnnotations(new SyntaxAnnotation(ExtensionCallKind));

        /// <summary>
        /// Imports the namespaces of the names <see cref="Of(ITypeSymbol)"/> wrote where that is safe, writes each
        /// <see cref="ExtensionCall"/> as a call on its receiver where that binds, then writes each name as short as it binds
        /// to the same type at its place.
        /// </summary>
        public static async Task<Document> ImportAndReduceAsync(Document document, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || !root.GetAnnotatedNodes(NameKind).Any())
            {
                return document;
            }

            document = await ImportAsync(document, cancellationToken).ConfigureAwait(false);
            document = await ExtensionFormAsync(document, cancellationToken).ConfigureAwait(false);
            return await ReduceAsync(document, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Adds <c>using N;</c> for each namespace of a marked name, one at a time, placed by Roslyn's <c>ImportAdder</c>
        /// (which also knows when the file imports it already) — kept only when the file has no more errors with it than
        /// without it: a <c>using</c> that would make a name the file uses ambiguous (CS0104) is left out, and the names of
        /// that namespace stay qualified.
        /// </summary>
        private static async Task<Document> ImportAsync(Document document, CancellationToken cancellationToken)
        {
            var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            foreach (string ns in root.GetAnnotatedNodes(NameKind).Select(NamespaceOf).Distinct().ToList())
            {
                root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
                var named = root.GetAnnotatedNodes(NameKind).Where(n => NamespaceOf(n) == ns).ToList();
                var candidate = await ImportAdder.AddImportsAsync(
                    document.WithSyntaxRoot(root.ReplaceNodes(named, (_, current) => current.WithAdditionalAnnotations(Simplifier.AddImportsAnnotation))),
                    Simplifier.AddImportsAnnotation,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                var candidateRoot = (await candidate.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
                if (candidateRoot.DescendantNodes().OfType<UsingDirectiveSyntax>().Count() > root.DescendantNodes().OfType<UsingDirectiveSyntax>().Count()
                    && await ErrorCountAsync(candidate, cancellationToken).ConfigureAwait(false) <= await ErrorCountAsync(document, cancellationToken).ConfigureAwait(false))
                {
                    document = candidate;
                }
            }

            return document;
        }

        /// <summary><c>Extensions.Method(receiver, …)</c> → <c>receiver.Method(…)</c> where that binds to the same method.</summary>
        private static async Task<Document> ExtensionFormAsync(Document document, CancellationToken cancellationToken)
        {
            var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            var model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var call in root.GetAnnotatedNodes(ExtensionCallKind).OfType<InvocationExpressionSyntax>())
            {
                if (call.Expression is MemberAccessExpressionSyntax member
                    && call.ArgumentList.Arguments.Count > 0
                    && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method)
                {
                    var receiver = call.ArgumentList.Arguments[0].Expression;
                    var reduced = InvocationExpression(
                        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Parenthesized(receiver), member.Name),
                        ArgumentList(SeparatedList(call.ArgumentList.Arguments.Skip(1))));
                    var bound = model.GetSpeculativeSymbolInfo(call.SpanStart, reduced, SpeculativeBindingOption.BindAsExpression).Symbol as IMethodSymbol;
                    if (SymbolEqualityComparer.Default.Equals(bound?.ReducedFrom ?? bound, method))
                    {
                        replacements[call] = reduced.WithTriviaFrom(call);
                    }
                }
            }

            return replacements.Count == 0 ? document : document.WithSyntaxRoot(root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]));
        }

        private static ExpressionSyntax Parenthesized(ExpressionSyntax receiver)
            => receiver is IdentifierNameSyntax || receiver is MemberAccessExpressionSyntax || receiver is InvocationExpressionSyntax
                || receiver is ParenthesizedExpressionSyntax || receiver is ElementAccessExpressionSyntax || receiver is ObjectCreationExpressionSyntax
                ? receiver
                : ParenthesizedExpression(receiver);

        /// <summary>
        /// Each marked name as short as it still binds to its type at its place: the simple name, else the name without
        /// <c>global::</c>, else as written. A name used as an expression (<c>Informers.Create</c>) is bound as one, so a
        /// property or local of that name in scope keeps it qualified.
        /// </summary>
        private static async Task<Document> ReduceAsync(Document document, CancellationToken cancellationToken)
        {
            var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            var model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var name in root.GetAnnotatedNodes(NameKind).OfType<QualifiedNameSyntax>())
            {
                var type = model.Compilation.GetTypeByMetadataName(name.GetAnnotations(NameKind).First().Data!);
                if (type == null)
                {
                    continue;
                }

                bool expression = name.Parent is MemberAccessExpressionSyntax access && access.Expression == name;
                // Detached copies: a node still in the tree would be bound where it stands, as the qualified name's right side.
                foreach (var shorter in new[] { ParseTypeName(name.Right.ToString()), ParseTypeName(WithoutGlobal(name).ToString()) })
                {
                    var bound = expression
                        ? model.GetSpeculativeSymbolInfo(name.SpanStart, shorter, SpeculativeBindingOption.BindAsExpression).Symbol
                        : model.GetSpeculativeSymbolInfo(name.SpanStart, shorter, SpeculativeBindingOption.BindAsTypeOrNamespace).Symbol;
                    if (bound is ITypeSymbol boundType && SymbolEqualityComparer.Default.Equals(boundType.OriginalDefinition, type))
                    {
                        replacements[name] = shorter;
                        break;
                    }
                }

                // As an expression (Type.Member), a qualified name is written as the parser reads it: member accesses.
                if (expression)
                {
                    replacements[name] = ParseExpression((replacements.TryGetValue(name, out var chosen) ? chosen : name).ToString());
                }

                if (replacements.TryGetValue(name, out var replacement))
                {
                    replacements[name] = replacement.WithTriviaFrom(name);
                }
            }

            return replacements.Count == 0 ? document : document.WithSyntaxRoot(root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]));
        }

        /// <summary><c>global::A.B.C</c> → <c>A.B.C</c>.</summary>
        private static TypeSyntax WithoutGlobal(QualifiedNameSyntax name)
        {
            var alias = name.DescendantNodesAndSelf().OfType<AliasQualifiedNameSyntax>().FirstOrDefault();
            return alias == null ? name : name.ReplaceNode(alias, alias.Name);
        }

        private static string NamespaceOf(SyntaxNode name)
        {
            string metadataName = name.GetAnnotations(NameKind).First().Data!;
            int dot = metadataName.LastIndexOf('.');
            return dot < 0 ? string.Empty : metadataName.Substring(0, dot);
        }

        private static async Task<int> ErrorCountAsync(Document document, CancellationToken cancellationToken)
            => (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!
                .GetDiagnostics(cancellationToken: cancellationToken)
                .Count(d => d.Severity == DiagnosticSeverity.Error);
    }
}
