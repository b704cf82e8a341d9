using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Infrastructure
{
    /// <summary>
    /// Where a project registers its services with <c>IServiceCollection</c>, as a fix that adds a registration needs to know
    /// it: the statement that registers a class (<c>services.AddHostedService&lt;Worker&gt;()</c>,
    /// <c>builder.Services.AddSingleton&lt;IRepo, Repo&gt;()</c>, in a top-level program, a <c>Startup.ConfigureServices</c>, a
    /// <c>ConfigureServices(services =&gt; …)</c> lambda), and whether an extension method is already called on the collection.
    /// Only the generic forms name the class in the code; a factory lambda or <c>typeof</c> registration is not recognized.
    /// </summary>
    internal static class ServiceRegistrations
    {
        private const string ServiceCollectionType = "Microsoft.Extensions.DependencyInjection.IServiceCollection";

        /// <summary>The extension methods (of <c>Microsoft.Extensions.DependencyInjection</c> and <c>…Hosting</c>) whose last type argument is the class the container constructs.</summary>
        private static readonly HashSet<string> Registering = new HashSet<string> { "AddHostedService", "AddSingleton", "AddScoped", "AddTransient" };

        /// <summary>
        /// The first place (by file path, then position) in <paramref name="compilation"/> that registers one of <paramref name="types"/>
        /// so that a statement can be added beside it; null when there is none.
        /// </summary>
        public static RegistrationSite? Find(Compilation compilation, IReadOnlyCollection<INamedTypeSymbol> types, CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(types.Select(t => t.Name));
            foreach (var tree in compilation.SyntaxTrees.OrderBy(t => t.FilePath, System.StringComparer.Ordinal))
            {
                var root = tree.GetRoot(cancellationToken);
                SemanticModel? model = null;
                foreach (var call in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (call.Expression is MemberAccessExpressionSyntax { Name: GenericNameSyntax generic } member
                        && Registering.Contains(generic.Identifier.ValueText)
                        && generic.TypeArgumentList.Arguments.LastOrDefault() is TypeSyntax registered
                        && names.Contains(LastIdentifier(registered)))
                    {
                        model ??= compilation.GetSemanticModel(tree);
                        if (model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol method
                            && method.IsExtensionMethod
                            && method.TypeArguments.LastOrDefault() is INamedTypeSymbol typeArgument
                            && types.Any(t => SymbolEqualityComparer.Default.Equals(t, typeArgument))
                            && Collection(model, member.Expression, cancellationToken) is ExpressionSyntax collection
                            && Place(call) is SyntaxNode place
                            && (!(place is LambdaExpressionSyntax lambda) || model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol { ReturnsVoid: true }))
                        {
                            return new RegistrationSite(tree, place, collection);
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>Whether <paramref name="compilation"/> calls <paramref name="extensions"/>.<paramref name="method"/> on an <c>IServiceCollection</c> anywhere.</summary>
        public static bool Calls(Compilation compilation, INamedTypeSymbol extensions, string method, CancellationToken cancellationToken)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                SemanticModel? model = null;
                foreach (var call in tree.GetRoot(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    string? name = call.Expression switch
                    {
                        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                        _ => null,
                    };
                    if (name == method)
                    {
                        model ??= compilation.GetSemanticModel(tree);
                        if (model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol bound
                            && SymbolEqualityComparer.Default.Equals((bound.ReducedFrom ?? bound).ContainingType, extensions)
                            && (bound.ReducedFrom ?? bound).Parameters.FirstOrDefault()?.Type.ToDisplayString() == ServiceCollectionType)
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Adds <paramref name="registration"/> (made from the collection expression) before the registering statement, or, in an
        /// expression-bodied <c>void</c> lambda, makes the lambda a block of the two.
        /// </summary>
        public static SyntaxNode Add(SyntaxNode root, RegistrationSite site, System.Func<ExpressionSyntax, ExpressionSyntax> registration)
        {
            var place = root.FindNode(site.Place.Span, getInnermostNodeForTie: true).AncestorsAndSelf().FirstOrDefault(n => n.RawKind == site.Place.RawKind && n.Span == site.Place.Span);
            if (place == null)
            {
                return root;
            }

            var added = ExpressionStatement(registration(site.Collection.WithoutTrivia())).WithAdditionalAnnotations(Formatter.Annotation);
            switch (place)
            {
                case GlobalStatementSyntax global:
                    return root.InsertNodesBefore(global, new[] { GlobalStatement(added).WithLeadingTrivia(Indentation(global)).WithTrailingTrivia(LineEnd(global)) });
                case StatementSyntax statement:
                    return root.InsertNodesBefore(statement, new[] { added.WithLeadingTrivia(Indentation(statement)).WithTrailingTrivia(LineEnd(statement)) });
                case LambdaExpressionSyntax { ExpressionBody: ExpressionSyntax body } lambda:
                    // Laid out by hand as the formatter leaves a brace after `=>` on the lambda's line: the block under the line
                    // the lambda starts on, its statements one level in (four spaces, the .NET default).
                    var line = lambda.SyntaxTree.GetText().Lines.GetLineFromPosition(lambda.SpanStart);
                    string indent = new string(line.ToString().TakeWhile(char.IsWhiteSpace).ToArray());
                    var eol = EndOfLine(line.EndIncludingLineBreak - line.End == 2 ? "\r\n" : "\n");
                    var block = Block(
                        Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(eol, Whitespace(indent)).WithTrailingTrivia(eol),
                        List(new StatementSyntax[] { ExpressionStatement(registration(site.Collection.WithoutTrivia())), ExpressionStatement(body.WithoutTrivia()) }
                            .Select(s => s.WithLeadingTrivia(Whitespace(indent + "    ")).WithTrailingTrivia(eol))),
                        Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(Whitespace(indent)));
                    var arrow = lambda.ArrowToken.WithTrailingTrivia();
                    return root.ReplaceNode(lambda, lambda is SimpleLambdaExpressionSyntax simple
                        ? (SyntaxNode)simple.WithArrowToken(arrow).WithExpressionBody(null).WithBlock(block)
                        : ((ParenthesizedLambdaExpressionSyntax)lambda).WithArrowToken(arrow).WithExpressionBody(null).WithBlock(block));
                default:
                    return root;
            }
        }

        /// <summary>
        /// The collection a chain of registrations starts from (<c>services</c>, <c>builder.Services</c>) when it is a name, so it
        /// can be written again in a statement of its own; null for anything else (a call, <c>new ServiceCollection()</c>).
        /// </summary>
        private static ExpressionSyntax? Collection(SemanticModel model, ExpressionSyntax receiver, CancellationToken cancellationToken)
        {
            // services.AddSingleton<A>().AddHostedService<W>(): each link returns the same collection.
            while (receiver is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax inner })
            {
                receiver = inner.Expression;
            }

            bool name = receiver is IdentifierNameSyntax
                || (receiver is MemberAccessExpressionSyntax access && access.DescendantNodesAndSelf().All(n => n is MemberAccessExpressionSyntax || n is IdentifierNameSyntax));
            return name && model.GetTypeInfo(receiver, cancellationToken).Type is ITypeSymbol type
                && (type.ToDisplayString() == ServiceCollectionType || type.AllInterfaces.Any(i => i.ToDisplayString() == ServiceCollectionType))
                ? receiver
                : null;
        }

        /// <summary>
        /// Where a statement can go before the registration: its expression statement in a block or a top-level program, or
        /// the expression-bodied <c>void</c> lambda it is the body of. Null otherwise (an argument, a <c>return</c>, a field initializer).
        /// </summary>
        private static SyntaxNode? Place(InvocationExpressionSyntax call)
        {
            ExpressionSyntax whole = call;
            while (whole.Parent is MemberAccessExpressionSyntax chained && chained.Expression == whole && chained.Parent is InvocationExpressionSyntax next)
            {
                whole = next;
            }

            switch (whole.Parent)
            {
                case ExpressionStatementSyntax statement when statement.Parent is BlockSyntax:
                    return statement;
                case ExpressionStatementSyntax statement when statement.Parent is GlobalStatementSyntax global:
                    return global;
                case LambdaExpressionSyntax lambda when lambda.ExpressionBody == whole:
                    return lambda;
                default:
                    return null;
            }
        }

        /// <summary>The whitespace before <paramref name="node"/> on its line (not the comments above it, which stay with it).</summary>
        private static IEnumerable<SyntaxTrivia> Indentation(SyntaxNode node)
            => node.GetLeadingTrivia().Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();

        /// <summary>The line break that ends <paramref name="node"/>, in the file's own style.</summary>
        private static IEnumerable<SyntaxTrivia> LineEnd(SyntaxNode node)
            => node.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).Take(1);

        private static string LastIdentifier(TypeSyntax type) => type switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
    }

    /// <summary>A registration found by <see cref="ServiceRegistrations.Find"/>: the statement (or lambda) to add beside, and the collection it registers on.</summary>
    internal sealed class RegistrationSite
    {
        public RegistrationSite(SyntaxTree tree, SyntaxNode place, ExpressionSyntax collection)
        {
            Tree = tree;
            Place = place;
            Collection = collection;
        }

        public SyntaxTree Tree { get; }

        public SyntaxNode Place { get; }

        public ExpressionSyntax Collection { get; }
    }
}
