using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Dns
{
    /// <summary>
    /// RES2003 → connect to the addresses <c>CachedDns</c> resolves, through the connect overload that takes
    /// <c>IPAddress[]</c> (same return type, same remaining arguments):
    /// <c>tcp.ConnectAsync(host, port, ct)</c> → <c>tcp.ConnectAsync(await CachedDns.GetHostAddressesAsync(host, ct), port, ct)</c>;
    /// <c>socket.Connect(host, port)</c> → <c>socket.Connect(CachedDns.GetHostAddresses(host), port)</c>.
    /// The simple cases only: <c>TcpClient</c>/<c>Socket</c> connects with positional arguments, the async form where an
    /// <c>await</c> is allowed. Not the constructors (<c>new TcpClient(host, port)</c> has no address-array twin) nor
    /// <c>UdpClient.Connect</c> (it takes one address). Offered only when the project references Resilience.Dns.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES2003ConnectThroughCachedDnsFixer))]
    [Shared]
    public sealed class RES2003ConnectThroughCachedDnsFixer : DocumentFixProvider
    {
        private const string Title = "Connect to the addresses CachedDns resolves (serves the last good answer when DNS fails)";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.HostNameConnect);

        private protected override string RequiredType => CachedDnsSyntax.TypeName;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            => Plan(root, model, diagnostic, cancellationToken) != null ? Title : null;

        private sealed class FixPlan
        {
            public FixPlan(ArgumentSyntax host, bool isAsync, ExpressionSyntax? cancellationToken)
            {
                Host = host;
                IsAsync = isAsync;
                CancellationToken = cancellationToken;
            }

            public ArgumentSyntax Host { get; }

            public bool IsAsync { get; }

            public ExpressionSyntax? CancellationToken { get; }
        }

        private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (invocation == null
                || invocation.ArgumentList.Arguments.Count < 2
                || invocation.ArgumentList.Arguments.Any(a => a.NameColon != null || !a.RefKindKeyword.IsKind(SyntaxKind.None))
                || !(model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation)
                || !(operation.TargetMethod is { ContainingType: { } type } method)
                || (type.Name != "TcpClient" && type.Name != "Socket")
                || method.Parameters.Length < 2
                || method.Parameters[0].Type.SpecialType != SpecialType.System_String
                || !HasAddressOverload(model, method))
            {
                return null;
            }

            bool isAsync = method.Name == "ConnectAsync";
            if (isAsync && !FixHelpers.CanAwait(invocation))
            {
                return null;
            }

            var token = method.Parameters.Length > 2 && method.Parameters[2].Type.Name == "CancellationToken" && invocation.ArgumentList.Arguments.Count > 2
                ? invocation.ArgumentList.Arguments[2].Expression
                : null;
            return new FixPlan(invocation.ArgumentList.Arguments[0], isAsync, token);
        }

        /// <summary>The same method with <c>IPAddress[]</c> first and the other parameters unchanged, so the fixed call binds to it.</summary>
        private static bool HasAddressOverload(SemanticModel model, IMethodSymbol method)
        {
            var address = model.Compilation.GetTypeByMetadataName("System.Net.IPAddress");
            return method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Any(candidate =>
                candidate.Parameters.Length == method.Parameters.Length
                && candidate.Parameters[0].Type is IArrayTypeSymbol array
                && SymbolEqualityComparer.Default.Equals(array.ElementType, address)
                && candidate.Parameters.Skip(1).Zip(method.Parameters.Skip(1), (a, b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type)).All(same => same)
                && SymbolEqualityComparer.Default.Equals(candidate.ReturnType, method.ReturnType));
        }

        private protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var cachedDns = model?.Compilation.GetTypeByMetadataName(CachedDnsSyntax.TypeName);
            if (root == null || model == null || cachedDns == null)
            {
                return document;
            }

            var plans = new Dictionary<ArgumentSyntax, FixPlan>();
            foreach (var diagnostic in diagnostics)
            {
                if (Plan(root, model, diagnostic, cancellationToken) is { } plan)
                {
                    plans[plan.Host] = plan;
                }
            }

            if (plans.Count == 0)
            {
                return document;
            }

            var receiver = TypeNames.Of(cachedDns);
            var updated = root.ReplaceNodes(plans.Keys, (original, _) =>
            {
                var plan = plans[original];
                var arguments = new List<ArgumentSyntax> { Argument(original.Expression.WithoutTrivia()) };
                if (plan.IsAsync && plan.CancellationToken != null)
                {
                    arguments.Add(Argument(plan.CancellationToken.WithoutTrivia()));
                }

                ExpressionSyntax lookup = InvocationExpression(
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, IdentifierName(plan.IsAsync ? "GetHostAddressesAsync" : "GetHostAddresses")),
                    ArgumentList(SeparatedList(arguments)));
                if (plan.IsAsync)
                {
                    lookup = AwaitExpression(lookup);
                }

                return original.WithExpression(lookup.WithTriviaFrom(original.Expression));
            });
            return document.WithSyntaxRoot(updated);
        }
    }
}
