using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1002's "lists to find one object by name" as a GET by name (issue 12): the list and its one search
    /// <code>
    /// var pods = await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: ct);
    /// return pods.Items.FirstOrDefault(p =&gt; p.Metadata.Name == name);
    /// </code>
    /// become <c>return await Reads.ReadOrNullAsync(name, n =&gt; client.CoreV1.ReadNamespacedPodAsync(n, ns, cancellationToken: ct));</c>
    /// — null where the search found nothing, as before (the runtime's <c>Reads</c> turns 404 into null). Only where it
    /// means the same: the list's result is used by that one search and nothing else; the search is
    /// <c>FirstOrDefault</c>/<c>SingleOrDefault</c> with nothing but the name comparison (ordinal); the list passes
    /// nothing but the namespace, <c>pretty</c> and the cancellation token (a selector would narrow what the GET does
    /// not); the search runs right after the list (the next statement, or the same expression), in the same function,
    /// where it can be awaited; and a <c>Read…</c> twin exists on the same operations — bound speculatively at the search, so
    /// the result compiles. Anywhere else the selector fix applies.
    /// A list already narrowed by <c>fieldSelector: "metadata.name=" + name</c> and taken for its one item becomes the same GET
    /// (<see cref="TryCreateFromSelector"/>: RES1003's fix for a polled one-key LIST, RES1002's after it narrowed a node list).
    /// </summary>
    internal sealed class ReadByNameSyntax
    {
        internal const string RuntimeType = "Resilience.Kubernetes.Reads";

        private ReadByNameSyntax(StatementSyntax? removed, StatementSyntax? next, ExpressionSyntax replaced, ExpressionSyntax replacement, string readName)
        {
            Next = next;
            Removed = removed;
            Replaced = replaced;
            Replacement = replacement;
            ReadName = readName;
        }

        /// <summary>The list's own statement, when the search is the next one (null: the search is in the list's expression).</summary>
        public StatementSyntax? Removed { get; }

        /// <summary>The statement after <see cref="Removed"/>, which holds the search (and takes the removed one's comments).</summary>
        public StatementSyntax? Next { get; }

        /// <summary>The search expression (<c>pods.Items.FirstOrDefault(…)</c>).</summary>
        public ExpressionSyntax Replaced { get; }

        /// <summary><c>await Reads.ReadOrNullAsync(name, n =&gt; …Read…Async(n, …))</c>.</summary>
        public ExpressionSyntax Replacement { get; }

        public string ReadName { get; }

        public static ReadByNameSyntax? TryCreate(SemanticModel model, IInvocationOperation list, ExpressionSyntax searchedName, CancellationToken cancellationToken)
            => Create(model, list, searchedName, selector: null, cancellationToken);

        /// <summary>
        /// A LIST already narrowed to one object by <c>fieldSelector: "metadata.name=" + name</c> (or <c>$"metadata.name={name}"</c>,
        /// nothing else in the selector), searched for its one item — <c>.Items.FirstOrDefault()</c>, <c>SingleOrDefault()</c>, or
        /// the name comparison with the same name — becomes the GET of that name: the same one object or null. The list must
        /// be in a namespace or of a cluster-scoped kind (the <c>Read…</c> twin needs the namespace; the caller checks the
        /// scope), and the name a string read without side effects (a local, parameter, field or property).
        /// </summary>
        public static ReadByNameSyntax? TryCreateFromSelector(SemanticModel model, IInvocationOperation list, CancellationToken cancellationToken)
        {
            var selector = list.Arguments.FirstOrDefault(a => a.ArgumentKind == ArgumentKind.Explicit && a.Parameter?.Name == "fieldSelector");
            if (!(selector?.Syntax is ArgumentSyntax written))
            {
                return null;
            }

            const string Key = "metadata.name=";
            ExpressionSyntax? name = written.Expression switch
            {
                BinaryExpressionSyntax add when add.IsKind(SyntaxKind.AddExpression) && add.Left is LiteralExpressionSyntax literal
                    && literal.IsKind(SyntaxKind.StringLiteralExpression) && literal.Token.ValueText == Key => add.Right,
                InterpolatedStringExpressionSyntax interpolated when interpolated.Contents.Count == 2
                    && interpolated.Contents[0] is InterpolatedStringTextSyntax text && text.TextToken.ValueText == Key
                    && interpolated.Contents[1] is InterpolationSyntax hole && hole.AlignmentClause == null && hole.FormatClause == null => hole.Expression,
                _ => null,
            };
            if (name == null
                || model.GetTypeInfo(name, cancellationToken).Type?.SpecialType != SpecialType.System_String
                || !ReadsWithoutSideEffects(model, name, cancellationToken))
            {
                return null;
            }

            return Create(model, list, name, selector, cancellationToken);
        }

        /// <summary>A local, parameter, field or property read (through <c>this.</c> or other such reads): evaluated once where the list was, or once where the GET is, it is the same value.</summary>
        private static bool ReadsWithoutSideEffects(SemanticModel model, ExpressionSyntax expression, CancellationToken cancellationToken)
        {
            switch (expression)
            {
                case IdentifierNameSyntax _:
                    var read = model.GetSymbolInfo(expression, cancellationToken).Symbol;
                    return read is ILocalSymbol || read is IParameterSymbol || read is IFieldSymbol || read is IPropertySymbol;
                case MemberAccessExpressionSyntax member when member.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                    var symbol = model.GetSymbolInfo(member, cancellationToken).Symbol;
                    return (symbol is IFieldSymbol || symbol is IPropertySymbol)
                        && (member.Expression is ThisExpressionSyntax || ReadsWithoutSideEffects(model, member.Expression, cancellationToken));
                default:
                    return false;
            }
        }

        /// <param name="selector">The one-key field selector that names the object (<see cref="TryCreateFromSelector"/>), or null: the list passes none and the search names it (<see cref="TryCreate"/>).</param>
        private static ReadByNameSyntax? Create(SemanticModel model, IInvocationOperation list, ExpressionSyntax searchedName, IArgumentOperation? selector, CancellationToken cancellationToken)
        {
            var method = list.TargetMethod;
            if (!(model.Compilation.GetTypeByMetadataName(RuntimeType) is { } reads)
                || !(list.Syntax is InvocationExpressionSyntax invocation)
                || !(invocation.Expression is MemberAccessExpressionSyntax member)
                // client.CoreV1.ListX(…): the group's extension called on its operations (IOperation shows it static, the
                // operations as argument 0 written as the receiver, not as an argument).
                || !method.IsExtensionMethod || list.Arguments.Length == 0 || list.Arguments[0].Syntax is ArgumentSyntax
                || !method.Name.StartsWith("List", StringComparison.Ordinal)
                || !method.Name.EndsWith("Async", StringComparison.Ordinal)
                || list.Arguments.Skip(1).Any(a => a.ArgumentKind == ArgumentKind.Explicit && a != selector
                    && a.Parameter?.Name != "namespaceParameter" && a.Parameter?.Name != "pretty" && a.Parameter?.Name != "cancellationToken")
                || invocation.ArgumentList.DescendantNodes().OfType<AwaitExpressionSyntax>().Any()
                || FixHelpers.AwaitOf(invocation) is not { } awaited)
            {
                return null;
            }

            // The list's value: `var pods = await …;` searched in the next statement, or `(await …).Items.FirstOrDefault(…)`.
            StatementSyntax? removed = null;
            ExpressionSyntax? itemsOwner = null;
            SyntaxNode scope;
            if (awaited.Parent is EqualsValueClauseSyntax equals
                && equals.Parent is VariableDeclaratorSyntax declarator
                && declarator.Parent is VariableDeclarationSyntax declaration && declaration.Variables.Count == 1
                && declaration.Parent is LocalDeclarationStatementSyntax statement
                && statement.UsingKeyword.IsKind(SyntaxKind.None) && !statement.IsConst
                && statement.Parent is BlockSyntax block
                && model.GetDeclaredSymbol(declarator, cancellationToken) is ILocalSymbol local)
            {
                int index = block.Statements.IndexOf(statement);
                if (index + 1 >= block.Statements.Count)
                {
                    return null;
                }

                var next = block.Statements[index + 1];
                var uses = block.DescendantNodes().OfType<IdentifierNameSyntax>()
                    .Where(i => i.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(i, cancellationToken).Symbol, local))
                    .ToList();
                if (uses.Count != 1 || !next.Span.Contains(uses[0].Span))
                {
                    return null;
                }

                removed = statement;
                itemsOwner = uses[0];
                scope = next;
            }
            else
            {
                itemsOwner = awaited.Parent is ParenthesizedExpressionSyntax parenthesized ? parenthesized : null;
                scope = awaited;
            }

            // owner.Items.FirstOrDefault(λ) or owner.Items?.FirstOrDefault(λ)
            if (!(itemsOwner?.Parent is MemberAccessExpressionSyntax items) || items.Expression != itemsOwner || items.Name.Identifier.ValueText != "Items")
            {
                return null;
            }

            InvocationExpressionSyntax search;
            ExpressionSyntax replaced;
            if (items.Parent is MemberAccessExpressionSyntax searchMember && searchMember.Expression == items && searchMember.Parent is InvocationExpressionSyntax plain)
            {
                search = plain;
                replaced = plain;
            }
            else if (items.Parent is ConditionalAccessExpressionSyntax conditional && conditional.Expression == items
                && conditional.WhenNotNull is InvocationExpressionSyntax bound && bound.Expression is MemberBindingExpressionSyntax)
            {
                search = bound;
                replaced = conditional;
            }
            else
            {
                return null;
            }

            // Searched by the name; or, where the selector already named it, the one item taken as it is (or searched by that
            // same name: the same symbol read again).
            bool Searched(ExpressionSyntax e) => selector == null
                ? e.Span == searchedName.Span
                : SyntaxFactory.AreEquivalent(e, searchedName) && ReadsWithoutSideEffects(model, e, cancellationToken)
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(e, cancellationToken).Symbol, model.GetSymbolInfo(searchedName, cancellationToken).Symbol);
            if (!(model.GetOperation(search, cancellationToken) is IInvocationOperation searchOperation)
                || !(searchOperation.TargetMethod.Name == "FirstOrDefault" || searchOperation.TargetMethod.Name == "SingleOrDefault")
                || searchOperation.TargetMethod.ContainingType?.ToDisplayString() != "System.Linq.Enumerable"
                || !(search.ArgumentList.Arguments.Count == 0 && selector != null
                    || search.ArgumentList.Arguments.Count == 1
                        && search.ArgumentList.Arguments[0].Expression is SimpleLambdaExpressionSyntax lambda
                        && lambda.ExpressionBody is { } body
                        && ComparesOnlyTheName(model, body, lambda.Parameter.Identifier.ValueText, Searched, cancellationToken))
                || !SameFunction(invocation, search)
                || !FixHelpers.CanAwait(search))
            {
                return null;
            }

            // receiver.ReadX(n, …the list's own arguments by name…), bound at the search so the fix compiles.
            string readName = "Read" + method.Name.Substring("List".Length);
            string n = FixHelpers.UniqueName(model, search.SpanStart, "n", new System.Collections.Generic.HashSet<string>());
            var arguments = new System.Collections.Generic.List<ArgumentSyntax> { Argument(IdentifierName(n)) };
            foreach (var argument in list.Arguments.Skip(1))
            {
                if (argument.ArgumentKind == ArgumentKind.Explicit && argument != selector && argument.Syntax is ArgumentSyntax written && argument.Parameter != null)
                {
                    arguments.Add(Argument(NameColon(IdentifierName(argument.Parameter.Name)), default, written.Expression.WithoutTrivia()));
                }
            }

            var read = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, member.Expression.WithoutTrivia(), IdentifierName(readName)),
                ArgumentList(SeparatedList(arguments)));
            var expected = searchOperation.Type;
            var bindAt = search.SpanStart;
            var probe = read.ReplaceNode(read.ArgumentList.Arguments[0].Expression, ParenthesizedExpression(searchedName.WithoutTrivia()));
            if (!(model.GetSpeculativeSymbolInfo(bindAt, probe, SpeculativeBindingOption.BindAsExpression).Symbol is IMethodSymbol readMethod)
                || !(readMethod.ReturnType is INamedTypeSymbol task) || task.Name != "Task" || task.TypeArguments.Length != 1
                || expected == null || !SymbolEqualityComparer.Default.Equals(task.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.None), expected.WithNullableAnnotation(NullableAnnotation.None))
                || readMethod.Parameters.FirstOrDefault()?.Name != "name" && readMethod.ReducedFrom?.Parameters.ElementAtOrDefault(1)?.Name != "name")
            {
                return null;
            }

            // Reads.ReadOrNullAsync(name, n => read), with the list's own ConfigureAwait(…).
            ExpressionSyntax call = InvocationExpression(
                TypeNames.StaticMember(reads, "ReadOrNullAsync"),
                ArgumentList(SeparatedList(new[]
                {
                    Argument(searchedName.WithoutTrivia()),
                    Argument(SimpleLambdaExpression(Parameter(Identifier(n)), read)),
                })));
            ExpressionSyntax replacement = AwaitExpression(FixHelpers.WithConfigureAwaitOf(awaited, invocation, call));
            if (replaced.Parent is MemberAccessExpressionSyntax || replaced.Parent is ConditionalAccessExpressionSyntax || replaced.Parent is PostfixUnaryExpressionSyntax)
            {
                replacement = ParenthesizedExpression(replacement);
            }

            return new ReadByNameSyntax(removed, removed == null ? null : (StatementSyntax)scope, replaced, replacement.WithTriviaFrom(replaced), readName);
        }

        /// <summary>
        /// Removes the list's own statement (<paramref name="removed"/>, when the search was in the next one) and gives its
        /// comments — its leading trivia up to its own indentation — to <paramref name="next"/>.
        /// </summary>
        public static void RemoveList(Microsoft.CodeAnalysis.Editing.SyntaxEditor editor, StatementSyntax? removed, StatementSyntax? next)
        {
            if (removed == null || next == null)
            {
                return;
            }

            var trivia = removed.GetLeadingTrivia();
            int lastLine = -1;
            for (int i = 0; i < trivia.Count; i++)
            {
                lastLine = trivia[i].IsKind(SyntaxKind.EndOfLineTrivia) ? i : lastLine;
            }

            var kept = lastLine < 0 ? SyntaxTriviaList.Empty : TriviaList(trivia.Take(lastLine + 1));
            editor.RemoveNode(removed, SyntaxRemoveOptions.KeepNoTrivia);
            editor.ReplaceNode(next, (current, _) => current.WithLeadingTrivia(kept.AddRange(current.GetLeadingTrivia())));
        }

        /// <summary>The lambda's body is the name comparison and nothing else: <c>p.Metadata.Name == x</c>, <c>x == p.Name()</c>, <c>p.Metadata.Name.Equals(x)</c>, <c>string.Equals(p.Metadata.Name, x[, StringComparison.Ordinal])</c>.</summary>
        private static bool ComparesOnlyTheName(SemanticModel model, ExpressionSyntax body, string parameter, Func<ExpressionSyntax, bool> isSearched, CancellationToken cancellationToken)
        {
            bool IsItemName(ExpressionSyntax e)
                => (e is MemberAccessExpressionSyntax name && name.Name.Identifier.ValueText == "Name"
                        && name.Expression is MemberAccessExpressionSyntax metadata && metadata.Name.Identifier.ValueText == "Metadata"
                        && metadata.Expression is IdentifierNameSyntax item && item.Identifier.ValueText == parameter)
                    || (e is InvocationExpressionSyntax call && call.ArgumentList.Arguments.Count == 0
                        && call.Expression is MemberAccessExpressionSyntax shorthand && shorthand.Name.Identifier.ValueText == "Name"
                        && shorthand.Expression is IdentifierNameSyntax owner && owner.Identifier.ValueText == parameter);

            switch (body)
            {
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.EqualsExpression):
                    return (IsItemName(binary.Left) && isSearched(binary.Right)) || (isSearched(binary.Left) && IsItemName(binary.Right));
                case InvocationExpressionSyntax equalsCall when equalsCall.Expression is MemberAccessExpressionSyntax equalsMember && equalsMember.Name.Identifier.ValueText == "Equals":
                    var args = equalsCall.ArgumentList.Arguments;
                    if (args.Count == 1)
                    {
                        return IsItemName(equalsMember.Expression) && isSearched(args[0].Expression);
                    }

                    bool ordinal = args.Count == 2
                        || (args.Count == 3 && model.GetOperation(args[2].Expression, cancellationToken) is IFieldReferenceOperation field && field.Field.Name == "Ordinal" && field.Field.ContainingType?.Name == "StringComparison");
                    return ordinal && (args.Count == 2 || args.Count == 3)
                        && model.GetSymbolInfo(equalsMember.Expression, cancellationToken).Symbol is ITypeSymbol { SpecialType: SpecialType.System_String }
                        && ((IsItemName(args[0].Expression) && isSearched(args[1].Expression)) || (isSearched(args[0].Expression) && IsItemName(args[1].Expression)));
                default:
                    return false;
            }
        }

        /// <summary>The two nodes run in the same method, lambda or local function.</summary>
        private static bool SameFunction(SyntaxNode a, SyntaxNode b)
        {
            static SyntaxNode? Function(SyntaxNode node) => node.Ancestors().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax || n is MemberDeclarationSyntax);
            return Function(a) == Function(b);
        }
    }
}
