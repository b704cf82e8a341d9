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
    /// RES1003 → an informer: created and started once before the polling loop (it lists at resourceVersion 0,
    /// then watches and resumes), and the LIST in the loop becomes a read of its local cache, which has the same
    /// list type, so the loop body compiles unchanged:
    /// <code>
    /// using var podInformer = Informers.Create(ListWatch.FromHttpOperation&lt;V1Pod, V1PodList&gt;((o, c) =&gt; …));
    /// await podInformer.StartAsync(stoppingToken);
    /// while (…) { V1PodList pods = podInformer.List(); … }
    /// </code>
    /// Offered in async methods for loops (not timers), when the call's arguments use nothing declared inside
    /// the loop, and when the project references Resilience.Kubernetes. When the loop is in a caller, the informer
    /// goes into a field of the class that makes the LIST (<see cref="PlanField"/>). Fix All puts one informer per
    /// call, and one per field for the calls of a class that list the same thing. In a class the DI container constructs, in
    /// a project that references Resilience.Kubernetes.Hosting, the informer is the process's shared one, taken from the
    /// injected <c>SharedInformerFactory</c>, and the registration gets <c>AddKubernetesInformers()</c> (<see cref="PlanInjected"/>);
    /// the title says which of the two the fix does. A polled one-key LIST becomes the GET instead
    /// (RES1003UseInformerFixer.ReadByName.cs).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES1003UseInformerFixer))]
    [Shared]
    public sealed partial class RES1003UseInformerFixer : DocumentFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.PollingList);

        private const string InformersType = "Resilience.Kubernetes.Informers";
        private const string InformerType = "Resilience.Kubernetes.Informer`2";

        private protected override string RequiredType => InformersType;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => IsOneKey(diagnostic)
                ? PlanRead(root, model, diagnostic, cancellationToken) is { } read ? "Read the object by name (" + read.ReadName + ")" : null
                : Plan(root, model, diagnostic, new FixState(), cancellationToken) is { } plan
                    ? plan.Injection == null
                        ? "Use a private informer: list once, then watch (" + plan.Name + ")"
                        : "Use the shared informer from the injected SharedInformerFactory: list once, then watch (" + plan.Name
                            + (plan.Injection.Registers ? "; registers AddKubernetesInformers())" : ")")
                    : null;

        /// <summary>What the fixes of one document share: names taken, informer fields by list, factory parameters by class.</summary>
        private sealed class FixState
        {
            public HashSet<string> Taken { get; } = new HashSet<string>();

            /// <summary>The informer field of a class for a list (key: class position and the list's creation).</summary>
            public Dictionary<string, string> Fields { get; } = new Dictionary<string, string>();

            /// <summary>The <c>SharedInformerFactory</c> parameter a fix adds to a class's constructor (key: class position).</summary>
            public Dictionary<string, string> Factories { get; } = new Dictionary<string, string>();
        }

        private sealed class FixPlan
        {
            public FixPlan(StatementSyntax anchor, ExpressionSyntax target, string name, StatementSyntax[] setup, TypeDeclarationSyntax? holder = null, FieldDeclarationSyntax? field = null, Injection? injection = null)
            {
                Anchor = anchor;
                Target = target;
                Name = name;
                Setup = setup;
                Holder = holder;
                Field = field;
                Injection = injection;
            }

            /// <summary>The shared informer's constructor edits; null for an informer of the class's own.</summary>
            public Injection? Injection { get; }

            /// <summary>The statement the setup goes before: the loop, or (for a field) the statement that listed.</summary>
            public StatementSyntax Anchor { get; }

            /// <summary>The class that gets <see cref="Field"/>.</summary>
            public TypeDeclarationSyntax? Holder { get; }

            /// <summary>The informer's field; null when the informer is a local, or the field is shared with an earlier call.</summary>
            public FieldDeclarationSyntax? Field { get; }

            public ExpressionSyntax Target { get; }

            public string Name { get; }

            public StatementSyntax[] Setup { get; }
        }

        private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, FixState state, CancellationToken cancellationToken)
        {
            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (invocation == null
                // A polled one-key LIST: its remedy is the GET (PlanRead), not an informer.
                || IsOneKey(diagnostic)
                || !(model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation)
                || !KubernetesApi.TryGetCall(operation, out var call) || call == null
                || call.Verb != KubernetesVerb.List)
            {
                return null;
            }

            var frequency = Periodicity.Of(operation, callPages: call.Passes(KubernetesParameter.Continue));
            bool isAsync = operation.TargetMethod.Name.EndsWith("Async", System.StringComparison.Ordinal);
            if (!frequency.IsPeriodic && diagnostic.AdditionalLocations.Count > 0)
            {
                return PlanField(model, diagnostic, invocation, operation, call, state, cancellationToken);
            }

            if (!frequency.IsPeriodic
                || !(frequency.Site is StatementSyntax loop)
                || !(loop.Parent is BlockSyntax || loop.Parent is GlobalStatementSyntax)
                || !FixHelpers.CanAwait(loop)
                || (isAsync && FixHelpers.AwaitOf(invocation) == null))
            {
                return null;
            }

            var listWatch = ListWatchSyntax.TryCreate(model, operation, call);
            if (listWatch == null || listWatch.CapturedLocals.Any(local => DeclaredInside(local, loop)) || !(model.Compilation.GetTypeByMetadataName(InformersType) is { } informers))
            {
                return null;
            }

            // await client.…ListXAsync(…)[.ConfigureAwait(false)] → informer.List(): the store is read synchronously.
            ExpressionSyntax target = isAsync ? FixHelpers.AwaitOf(invocation)! : invocation;
            if (PlanInjected(model, operation, call, listWatch, loop, target, isAsync ? FixHelpers.AwaitOf(invocation) : null, state, cancellationToken) is { } injected)
            {
                return injected;
            }

            string kind = char.ToLowerInvariant(call.Kind[0]) + call.Kind.Substring(1);
            string name = FixHelpers.UniqueLocalName(model, loop, kind + "Informer", state.Taken);

            var create = LocalDeclarationStatement(
                VariableDeclaration(
                    IdentifierName("var"),
                    SingletonSeparatedList(VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(
                        InvocationExpression(
                            TypeNames.StaticMember(informers, "Create"),
                            ArgumentList(SingletonSeparatedList(Argument(listWatch.Expression)))))))))
                .WithUsingKeyword(Token(SyntaxKind.UsingKeyword));
            var startArguments = listWatch.CancellationToken == null
                ? ArgumentList()
                : ArgumentList(SingletonSeparatedList(Argument(listWatch.CancellationToken)));
            ExpressionSyntax startCall = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(name), IdentifierName("StartAsync")),
                startArguments);
            if (isAsync)
            {
                // The code's own ConfigureAwait(…) for the await the fix adds too.
                startCall = FixHelpers.WithConfigureAwaitOf(FixHelpers.AwaitOf(invocation)!, invocation, startCall);
            }

            var start = ExpressionStatement(AwaitExpression(startCall));
            return new FixPlan(
                loop,
                target,
                name,
                new StatementSyntax[] { create.WithAdditionalAnnotations(Formatter.Annotation), start.WithAdditionalAnnotations(Formatter.Annotation) });
        }

        private static bool DeclaredInside(ILocalSymbol local, SyntaxNode loop)
            => local.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == loop.SyntaxTree && loop.Span.Contains(r.Span));

        private protected override Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
            => FixAsync(document, diagnostics, new List<string>(), cancellationToken);

        private protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, ICollection<string> followUps, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return document;
            }

            var state = new FixState();
            var added = new Dictionary<TypeDeclarationSyntax, List<MemberDeclarationSyntax>>();
            var injected = new Dictionary<TypeDeclarationSyntax, List<FixPlan>>();
            var seen = new HashSet<SyntaxNode>();
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            bool changed = false;
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (IsOneKey(diagnostic))
                {
                    if (PlanRead(root, model, diagnostic, cancellationToken) is { } read && seen.Add(read.Replaced))
                    {
                        editor.ReplaceNode(read.Replaced, read.Replacement.WithAdditionalAnnotations(Formatter.Annotation, Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation));
                        ReadByNameSyntax.RemoveList(editor, read.Removed, read.Next);
                        changed = true;
                    }

                    continue;
                }

                var plan = Plan(root, model, diagnostic, state, cancellationToken);
                if (plan == null || !seen.Add(plan.Target))
                {
                    continue;
                }

                if (plan.Anchor.Parent is GlobalStatementSyntax global)
                {
                    // A top-level program: the setup goes before the loop as statements of the program too.
                    editor.InsertBefore(global, plan.Setup.Select(s => GlobalStatement(s)));
                }
                else
                {
                    editor.InsertBefore(plan.Anchor, plan.Setup);
                }

                if (plan.Holder != null && plan.Injection != null)
                {
                    if (!injected.TryGetValue(plan.Holder, out var plans))
                    {
                        injected[plan.Holder] = plans = new List<FixPlan>();
                    }

                    plans.Add(plan);
                    if (plan.Injection.Registers && !followUps.Contains(plan.Injection.HolderName))
                    {
                        followUps.Add(plan.Injection.HolderName);
                    }
                }
                else if (plan.Holder != null && plan.Field != null)
                {
                    if (!added.TryGetValue(plan.Holder, out var list))
                    {
                        added[plan.Holder] = list = new List<MemberDeclarationSyntax>();
                    }

                    list.Add(plan.Field);
                }

                editor.ReplaceNode(plan.Target, InvocationExpression(
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(plan.Name), IdentifierName("List"))).WithTriviaFrom(plan.Target));
                changed = true;
            }

            if (!changed)
            {
                return document;
            }

            foreach (var pair in added)
            {
                AddFields(editor, pair.Key, pair.Value);
            }

            foreach (var pair in injected)
            {
                AddInjections(editor, pair.Key, pair.Value);
            }

            return document.WithSyntaxRoot(editor.GetChangedRoot());
        }
    }
}
