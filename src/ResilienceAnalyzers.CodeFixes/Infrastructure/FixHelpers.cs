using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Infrastructure
{
    internal static class FixHelpers
    {
        /// <summary><paramref name="preferred"/>, or with a number appended, so it clashes with nothing in scope or already taken.</summary>
        public static string UniqueName(SemanticModel model, int position, string preferred, ISet<string> taken)
        {
            var inScope = new HashSet<string>(model.LookupSymbols(position).Select(s => s.Name));
            string name = preferred;
            for (int i = 2; inScope.Contains(name) || taken.Contains(name); i++)
            {
                name = preferred + i;
            }

            taken.Add(name);
            return name;
        }

        /// <summary><paramref name="document"/> with <paramref name="root"/>, plus <c>using <paramref name="ns"/>;</c> when it is a whole file without it.</summary>
        public static Document WithRootAndUsing(Document document, SyntaxNode root, string ns)
            => document.WithSyntaxRoot(root is CompilationUnitSyntax unit ? EnsureUsing(unit, ns) : root);

        /// <summary>Adds <c>using <paramref name="ns"/>;</c> unless the file already has it.</summary>
        public static CompilationUnitSyntax EnsureUsing(CompilationUnitSyntax root, string ns)
        {
            if (root.Usings.Any(u => u.Name?.ToString() == ns)
                || root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().Any(n => n.Usings.Any(u => u.Name?.ToString() == ns)))
            {
                return root;
            }

            var directive = UsingDirective(ParseName(ns).WithLeadingTrivia(Space)).WithTrailingTrivia(NewLine(root));
            return root.AddUsings(directive.WithAdditionalAnnotations(Formatter.Annotation));
        }

        /// <summary>The document's own line ending (the first one it uses), so an added line matches its neighbours.</summary>
        public static SyntaxTrivia NewLine(SyntaxNode root)
        {
            var first = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            return first.IsKind(SyntaxKind.EndOfLineTrivia) && first.ToString() == "\r\n" ? ElasticCarriageReturnLineFeed : ElasticLineFeed;
        }

        /// <summary>
        /// An <c>await</c> inserted at <paramref name="node"/> compiles: inside an async method, lambda or local function,
        /// and not where C# forbids it (a <c>lock</c> body, a query expression).
        /// </summary>
        public static bool CanAwait(SyntaxNode node)
        {
            foreach (var ancestor in node.AncestorsAndSelf())
            {
                if (ancestor is LockStatementSyntax || ancestor is QueryExpressionSyntax)
                {
                    return false;
                }

                if (ancestor is AnonymousFunctionExpressionSyntax || ancestor is LocalFunctionStatementSyntax || ancestor is MemberDeclarationSyntax)
                {
                    break;
                }
            }

            return InAsyncMember(node);
        }

        /// <summary>
        /// The <c>await</c> that awaits <paramref name="call"/>: <c>await call</c>, or <c>await call.ConfigureAwait(…)</c> — the
        /// style of every library (issue 12). Null when the call's task is not awaited right there.
        /// </summary>
        public static AwaitExpressionSyntax? AwaitOf(ExpressionSyntax call)
        {
            if (call.Parent is AwaitExpressionSyntax awaited)
            {
                return awaited;
            }

            return call.Parent is MemberAccessExpressionSyntax member
                && member.Expression == call
                && member.Name.Identifier.ValueText == "ConfigureAwait"
                && member.Parent is InvocationExpressionSyntax configureAwait
                && configureAwait.ArgumentList.Arguments.Count == 1
                && configureAwait.Parent is AwaitExpressionSyntax awaitedConfigured
                    ? awaitedConfigured
                    : null;
        }

        /// <summary>
        /// <paramref name="replacement"/> with the <c>ConfigureAwait(…)</c> that <paramref name="awaited"/> applied to
        /// <paramref name="call"/>, if any — for a task a fix awaits in its place.
        /// </summary>
        public static ExpressionSyntax WithConfigureAwaitOf(AwaitExpressionSyntax awaited, ExpressionSyntax call, ExpressionSyntax replacement)
            => awaited.Expression is InvocationExpressionSyntax configured && configured != call && configured.Expression is MemberAccessExpressionSyntax configureAwait
                ? configured.WithExpression(configureAwait.WithExpression(replacement)).WithoutTrivia()
                : replacement;

        /// <summary>The method (or local function) that contains <paramref name="node"/> is <c>async</c>.</summary>
        public static bool InAsyncMember(SyntaxNode node)
        {
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case AnonymousFunctionExpressionSyntax lambda:
                        return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                    case LocalFunctionStatementSyntax local:
                        return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                    case MethodDeclarationSyntax method:
                        return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                    case MemberDeclarationSyntax _:
                        return false;
                }
            }

            return false;
        }

        /// <summary>
        /// How to name <paramref name="type"/> at <paramref name="position"/>: its simple name if it already binds there, or
        /// will once <c>using</c> its namespace is added (<c>NeedsUsing</c>); <c>global::</c>-qualified when another type of
        /// that name is in scope.
        /// </summary>
        public static (TypeSyntax Name, bool NeedsUsing) TypeName(SemanticModel model, int position, INamedTypeSymbol type)
        {
            var inScope = model.LookupNamespacesAndTypes(position, name: type.Name);
            bool bound = inScope.Any(s => SymbolEqualityComparer.Default.Equals(s, type));
            bool conflict = !bound && inScope.Any();
            return conflict ? (ParseTypeName("global::" + type.ToDisplayString()), false) : (IdentifierName(type.Name), !bound);
        }
    }
}
