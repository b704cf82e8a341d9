using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Infrastructure
{
    internal static class FixHelpers
    {
        /// <summary><paramref name="preferred"/>, or with a number appended, so it clashes with nothing in scope or already taken.</summary>
        public static string UniqueName(SemanticModel model, int position, string preferred, ISet<string> taken)
            => UniqueAmong(preferred, new HashSet<string>(model.LookupSymbols(position).Select(s => s.Name)), taken);

        /// <summary>
        /// A name for a local the fix declares at <paramref name="at"/>: unique as <see cref="UniqueName"/>, and also unlike
        /// every name declared anywhere in the enclosing function (a nested block's <c>var backoff</c> would be CS0136 once an
        /// outer <c>backoff</c> exists; a later one in the same block, CS0128).
        /// </summary>
        public static string UniqueLocalName(SemanticModel model, SyntaxNode at, string preferred, ISet<string> taken)
        {
            var used = new HashSet<string>(model.LookupSymbols(at.SpanStart).Select(s => s.Name));
            SyntaxNode function = at.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax && !(a is GlobalStatementSyntax)) ?? at.SyntaxTree.GetRoot();
            used.UnionWith(DeclaredNames(function));
            return UniqueAmong(preferred, used, taken);
        }

        /// <summary>Every local, parameter, range variable and local function name declared in <paramref name="scope"/>.</summary>
        public static IEnumerable<string> DeclaredNames(SyntaxNode scope)
        {
            foreach (var node in scope.DescendantNodes())
            {
                switch (node)
                {
                    case VariableDeclaratorSyntax variable:
                        yield return variable.Identifier.ValueText;
                        break;
                    case ParameterSyntax parameter:
                        yield return parameter.Identifier.ValueText;
                        break;
                    case SingleVariableDesignationSyntax designation:
                        yield return designation.Identifier.ValueText;
                        break;
                    case ForEachStatementSyntax loop:
                        yield return loop.Identifier.ValueText;
                        break;
                    case LocalFunctionStatementSyntax function:
                        yield return function.Identifier.ValueText;
                        break;
                    case CatchDeclarationSyntax caught:
                        yield return caught.Identifier.ValueText;
                        break;
                    case FromClauseSyntax from:
                        yield return from.Identifier.ValueText;
                        break;
                    case LetClauseSyntax let:
                        yield return let.Identifier.ValueText;
                        break;
                    case JoinClauseSyntax join:
                        yield return join.Identifier.ValueText;
                        break;
                    case JoinIntoClauseSyntax into:
                        yield return into.Identifier.ValueText;
                        break;
                    case QueryContinuationSyntax continuation:
                        yield return continuation.Identifier.ValueText;
                        break;
                }
            }
        }

        /// <summary><paramref name="preferred"/>, or numbered, so it is in neither set; then taken.</summary>
        public static string UniqueAmong(string preferred, ISet<string> used, ISet<string> taken)
        {
            string name = preferred;
            for (int i = 2; used.Contains(name) || taken.Contains(name); i++)
            {
                name = preferred + i;
            }

            taken.Add(name);
            return name;
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
                    case GlobalStatementSyntax _:
                        // A top-level program: its entry point is async as soon as a statement awaits.
                        return true;
                    case MemberDeclarationSyntax _:
                        return false;
                }
            }

            return false;
        }
    }
}
