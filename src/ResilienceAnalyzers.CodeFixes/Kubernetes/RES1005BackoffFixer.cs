using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
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
    /// RES1005 → exponential backoff with full jitter (the runtime's <c>ExponentialBackoff</c>: 0.8 s → 30 s, ×2,
    /// reset after 2 minutes healthy, as client-go). A <c>var backoff = new ExponentialBackoff();</c> before the
    /// retry loop; the loop's <c>Task.Delay(…)</c> becomes <c>backoff.DelayAsync(…)</c>, its <c>Thread.Sleep(…)</c>
    /// sleeps <c>backoff.Next()</c>, and a loop that did not wait at all waits at the end of each swallowing catch.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES1005BackoffFixer))]
    [Shared]
    public sealed class RES1005BackoffFixer : DocumentFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.RetryWithoutBackoff);

        private const string BackoffType = "Resilience.Kubernetes.ExponentialBackoff";

        private protected override string RequiredType => BackoffType;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => Find(root, model, diagnostic, cancellationToken) != null ? "Back off exponentially with full jitter (ExponentialBackoff)" : null;

        private static (IInvocationOperation Call, ILoopOperation Loop)? Find(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (invocation == null || !(model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation))
            {
                return null;
            }

            var loop = ResilienceAnalyzers.Analysis.RetryLoops.Of(operation);
            if (loop == null
                && diagnostic.AdditionalLocations.Count > 0
                && diagnostic.AdditionalLocations[0].SourceTree == root.SyntaxTree
                && root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true)
                    .AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault() is { } outer
                && model.GetOperation(outer, cancellationToken) is IInvocationOperation site)
            {
                // Retried by a caller (the chain's outermost site, first of the additional locations): the backoff goes
                // into that caller's loop, around the call it retries — when the caller is in this document.
                operation = site;
                loop = ResilienceAnalyzers.Analysis.RetryLoops.Of(site);
            }

            return loop != null && (loop.Syntax.Parent is BlockSyntax || loop.Syntax.Parent is GlobalStatementSyntax) ? (operation, loop) : ((IInvocationOperation, ILoopOperation)?)null;
        }

        private protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var backoffType = model?.Compilation.GetTypeByMetadataName(BackoffType);
            var thread = model?.Compilation.GetTypeByMetadataName("System.Threading.Thread");
            if (root == null || model == null || backoffType == null || thread == null)
            {
                return document;
            }

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var loops = new HashSet<SyntaxNode>();
            // Names added by this fix, per member: loops in one method must not both declare "backoff".
            var takenByMember = new Dictionary<SyntaxNode, HashSet<string>>();
            foreach (var diagnostic in diagnostics)
            {
                if (!(Find(root, model, diagnostic, cancellationToken) is { } found) || !loops.Add(found.Loop.Syntax))
                {
                    continue;
                }

                var loopSyntax = (StatementSyntax)found.Loop.Syntax;
                bool isAsync = FixHelpers.CanAwait(loopSyntax);
                // (The statements of a top-level program are one scope: the compilation unit.)
                var member = loopSyntax.Ancestors().FirstOrDefault(a => (a is MemberDeclarationSyntax && !(a is GlobalStatementSyntax)) || a is LocalFunctionStatementSyntax || a is AnonymousFunctionExpressionSyntax) ?? root;
                if (!takenByMember.TryGetValue(member, out var taken))
                {
                    takenByMember[member] = taken = new HashSet<string>();
                }

                string name = FixHelpers.UniqueLocalName(model, loopSyntax, "backoff", taken);
                var declaration = LocalDeclarationStatement(VariableDeclaration(
                        IdentifierName("var"),
                        SingletonSeparatedList(VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(
                            ObjectCreationExpression(TypeNames.Of(backoffType)).WithArgumentList(ArgumentList()))))))
                    .WithAdditionalAnnotations(Formatter.Annotation);

                var delay = Delay.In(found.Loop.Body);
                if (delay.Call is { } delayCall && delayCall.Syntax is InvocationExpressionSyntax delaySyntax)
                {
                    if (delayCall.TargetMethod.Name == "Sleep")
                    {
                        editor.ReplaceNode(delaySyntax, delaySyntax.WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(Next(name))))));
                    }
                    else
                    {
                        var token = delayCall.Arguments.FirstOrDefault(a => a.Parameter?.Type.Name == "CancellationToken" && a.ArgumentKind != ArgumentKind.DefaultValue)?.Syntax as ArgumentSyntax;
                        editor.ReplaceNode(delaySyntax, Wait(name, token?.Expression).WithTriviaFrom(delaySyntax));
                    }
                }
                else
                {
                    // The retried call's own token (a caller's method may name its parameter otherwise: by type).
                    var token = found.Call.Arguments.FirstOrDefault(a => a.Parameter?.Type.Name == "CancellationToken" && a.ArgumentKind != ArgumentKind.DefaultValue)?.Syntax as ArgumentSyntax;
                    StatementSyntax wait = isAsync
                        ? ExpressionStatement(AwaitExpression(Wait(name, token?.Expression)))
                        : ExpressionStatement(InvocationExpression(
                            TypeNames.StaticMember(thread, "Sleep"),
                            ArgumentList(SingletonSeparatedList(Argument(Next(name))))));
                    foreach (var @catch in CatchesAround(found.Call))
                    {
                        editor.ReplaceNode(@catch.Block, @catch.Block.AddStatements(wait.WithAdditionalAnnotations(Formatter.Annotation)));
                    }
                }

                if (loopSyntax.Parent is GlobalStatementSyntax global)
                {
                    // A top-level program: the declaration is a statement of the program too.
                    editor.InsertBefore(global, GlobalStatement(declaration));
                }
                else
                {
                    editor.InsertBefore(loopSyntax, declaration);
                }
            }

            return document.WithSyntaxRoot(editor.GetChangedRoot());
        }

        private static InvocationExpressionSyntax Next(string backoff)
            => InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(backoff), IdentifierName("Next")));

        private static InvocationExpressionSyntax Wait(string backoff, ExpressionSyntax? token)
            => InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(backoff), IdentifierName("DelayAsync")),
                token == null
                    ? ArgumentList()
                    : ArgumentList(SingletonSeparatedList(Argument(NameColon(IdentifierName("cancellationToken")), default, token.WithoutTrivia()))));

        /// <summary>The catch clauses of the try that guards the call and swallow the error (no throw inside).</summary>
        private static IEnumerable<CatchClauseSyntax> CatchesAround(IOperation call)
        {
            for (var parent = call.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is ITryOperation tryOperation && !tryOperation.Catches.IsEmpty)
                {
                    return tryOperation.Catches
                        .Where(ResilienceAnalyzers.Analysis.RetryLoops.Swallows)
                        .Select(c => c.Syntax)
                        .OfType<CatchClauseSyntax>()
                        .ToList();
                }
            }

            return Enumerable.Empty<CatchClauseSyntax>();
        }
    }
}
