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
using Microsoft.CodeAnalysis.Formatting;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Dns;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Dns
{
    /// <summary>
    /// RES2001 → route the lookup through <c>Resilience.Dns.CachedDns</c>, whose methods have the shapes of
    /// <c>System.Net.Dns</c>'s (same parameters, same return types), so the surrounding code keeps compiling:
    /// <c>Dns.GetHostAddressesAsync(host, ct)</c> → <c>CachedDns.GetHostAddressesAsync(host, ct)</c>; the obsolete
    /// <c>GetHostByName</c>/<c>Resolve</c> → <c>CachedDns.GetHostEntry</c>. Offered only when the compilation
    /// references Resilience.Dns (the diagnostic says how to get it otherwise); no fix for the APM forms.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES2001UseCachedDnsFixer))]
    [Shared]
    public sealed class RES2001UseCachedDnsFixer : DocumentFixProvider
    {
        internal const string CachedDnsType = CachedDnsSyntax.TypeName;
        private const string Title = "Resolve through CachedDns (serves the last good answer when DNS fails)";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.UncachedDnsResolution);

        private protected override string RequiredType => CachedDnsType;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => diagnostic.Properties.TryGetValue(RES2001UncachedDnsAnalyzer.ReplacementProperty, out string? replacement) && replacement != null ? Title : null;

        private protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var cachedDns = model?.Compilation.GetTypeByMetadataName(CachedDnsType);
            if (root == null || model == null || cachedDns == null)
            {
                return document;
            }

            var targets = new Dictionary<MemberAccessExpressionSyntax, string>();
            foreach (var diagnostic in diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(RES2001UncachedDnsAnalyzer.ReplacementProperty, out string? replacement) || replacement == null)
                {
                    continue;
                }

                var member = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                    .AncestorsAndSelf().OfType<MemberAccessExpressionSyntax>().FirstOrDefault();
                if (member != null && member.Parent is InvocationExpressionSyntax && cachedDns.GetMembers(replacement).Any())
                {
                    targets[member] = replacement;
                }
            }

            if (targets.Count == 0)
            {
                return document;
            }

            var receiver = TypeNames.Of(cachedDns);
            var updated = root.ReplaceNodes(
                targets.Keys,
                (original, _) => original
                    .WithExpression(receiver.WithTriviaFrom(original.Expression))
                    .WithName(IdentifierName(targets[original]).WithTriviaFrom(original.Name)));

            return document.WithSyntaxRoot(updated);
        }
    }
}
