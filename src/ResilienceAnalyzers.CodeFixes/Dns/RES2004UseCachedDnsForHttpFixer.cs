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
using Microsoft.CodeAnalysis.Formatting;
using ResilienceAnalyzers.CodeFixes.Infrastructure;
using ResilienceAnalyzers.Dns;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ResilienceAnalyzers.CodeFixes.Dns
{
    /// <summary>
    /// RES2004 → route the connection path through <c>CachedDnsResolver</c>:
    /// <c>new SocketsHttpHandler { … }</c> → <c>new SocketsHttpHandler { … }.UseCachedDns(CachedDns.Resolver)</c> (same type);
    /// <c>new HttpClient()</c> → <c>new HttpClient(new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver))</c>;
    /// <c>services.AddHttpClient(…)</c> → <c>….AddCachedDns()</c> after the chain's last primary-handler call;
    /// <c>GrpcChannel.ForAddress(address[, new GrpcChannelOptions { … }])</c> → options with
    /// <c>HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true }.UseCachedDns(CachedDns.Resolver)</c>
    /// (grpc-dotnet turns multiple HTTP/2 connections on for its own handler; a handler given in the options must say so).
    /// Each is offered only when the compilation references the runtime it calls (Resilience.Dns, or Resilience.Dns.Http
    /// for <c>AddCachedDns</c>); not for <c>new HttpClient(new HttpClientHandler())</c> (its settings would be lost) nor a
    /// target-typed <c>new()</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RES2004UseCachedDnsForHttpFixer))]
    [Shared]
    public sealed class RES2004UseCachedDnsForHttpFixer : DocumentFixProvider
    {
        private const string FactoryExtensions = "Microsoft.Extensions.DependencyInjection.CachedDnsHttpServiceCollectionExtensions";
        private const string SocketsHandler = "System.Net.Http.SocketsHttpHandler";
        private const string ChannelOptions = "Grpc.Net.Client.GrpcChannelOptions";
        private const string ConnectExtensions = "Resilience.Dns.CachedDnsConnectExtensions";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.UncachedHttpConnection);

        // Which runtime is needed depends on the kind: checked per diagnostic.
        private protected override string? RequiredType => null;

        private protected override string? Describe(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            switch (Target(root, model, diagnostic))
            {
                case (HttpConnectionKind.Factory, _):
                    return "Add .AddCachedDns() (resolves through CachedDnsResolver, serves the last good answer)";
                case (HttpConnectionKind.GrpcChannel, _):
                    return "Give the channel a SocketsHttpHandler that resolves through CachedDns";
                case (HttpConnectionKind kind, SyntaxNode _):
                    return "Resolve through CachedDns (.UseCachedDns(CachedDns.Resolver))";
                default:
                    return null;
            }
        }

        private protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return document;
            }

            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            var names = new Names(model.Compilation);
            foreach (var diagnostic in diagnostics)
            {
                if (!(Target(root, model, diagnostic) is (HttpConnectionKind kind, SyntaxNode node)) || replacements.ContainsKey(node))
                {
                    continue;
                }

                SyntaxNode? replacement = kind switch
                {
                    HttpConnectionKind.Handler => names.Cached((ExpressionSyntax)node.WithoutTrivia()).WithTriviaFrom(node),
                    HttpConnectionKind.Client => WithHandler((ObjectCreationExpressionSyntax)node, names),
                    HttpConnectionKind.Factory => AddCachedDns((InvocationExpressionSyntax)node, model.Compilation.GetTypeByMetadataName(FactoryExtensions)!),
                    HttpConnectionKind.GrpcChannel => WithChannelHandler((InvocationExpressionSyntax)node, names, model),
                    _ => null,
                };
                if (replacement != null)
                {
                    replacements[node] = replacement.WithAdditionalAnnotations(Formatter.Annotation);
                }
            }

            if (replacements.Count == 0)
            {
                return document;
            }

            var updated = root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
            return document.WithSyntaxRoot(updated);
        }

        /// <summary>The node the fix rewrites for <paramref name="diagnostic"/>, when its result compiles; null otherwise.</summary>
        private static (HttpConnectionKind, SyntaxNode)? Target(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(RES2004UncachedHttpConnectionAnalyzer.KindProperty, out string? text)
                || !System.Enum.TryParse(text, out HttpConnectionKind kind))
            {
                return null;
            }

            var compilation = model.Compilation;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            bool dns = compilation.GetTypeByMetadataName(CachedDnsSyntax.TypeName) != null && compilation.GetTypeByMetadataName(ConnectExtensions) != null
                && compilation.GetTypeByMetadataName(SocketsHandler) != null;
            switch (kind)
            {
                case HttpConnectionKind.Handler when dns:
                    return node.AncestorsAndSelf().OfType<ObjectCreationExpressionSyntax>().FirstOrDefault() is { } handler ? (kind, handler) : null;
                case HttpConnectionKind.Client when dns:
                    // Only the parameterless client: an HttpClientHandler's settings would not carry over.
                    return node.AncestorsAndSelf().OfType<ObjectCreationExpressionSyntax>().FirstOrDefault() is { } client
                        && (client.ArgumentList == null || client.ArgumentList.Arguments.Count == 0) ? (kind, client) : null;
                case HttpConnectionKind.Factory when compilation.GetTypeByMetadataName(FactoryExtensions) != null:
                    return node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault() is { } registration ? (kind, InsertionPoint(registration)) : null;
                case HttpConnectionKind.GrpcChannel when dns && compilation.GetTypeByMetadataName(ChannelOptions) != null:
                    return node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault() is { } forAddress
                        && ChannelOptionsArgument(forAddress, model) is var options && options.Fixable ? (kind, forAddress) : null;
                default:
                    return null;
            }
        }

        /// <summary><c>new HttpClient()</c> / <c>new HttpClient { … }</c> → the same with a cached SocketsHttpHandler.</summary>
        private static SyntaxNode WithHandler(ObjectCreationExpressionSyntax client, Names names)
        {
            var handler = names.Cached(ObjectCreationExpression(names.Type(SocketsHandler).WithLeadingTrivia(Space)).WithArgumentList(ArgumentList()));
            var type = client.Type;
            return client
                .WithType(type.WithoutTrailingTrivia())
                .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(handler))).WithTrailingTrivia(client.ArgumentList?.GetTrailingTrivia() ?? type.GetTrailingTrivia()));
        }

        /// <summary><c>….AddCachedDns()</c> on <paramref name="insertAfter"/> (<see cref="InsertionPoint"/>).</summary>
        private static SyntaxNode AddCachedDns(InvocationExpressionSyntax insertAfter, INamedTypeSymbol extensions)
            => TypeNames.ExtensionCall(extensions, insertAfter.WithoutTrailingTrivia(), "AddCachedDns")
                .WithTrailingTrivia(insertAfter.GetTrailingTrivia());

        /// <summary>
        /// The chain's node after which <c>AddCachedDns()</c> goes: the registration's last primary-handler call in the fluent
        /// chain (a primary handler configured after it would replace the cached one), else the registration itself.
        /// </summary>
        internal static InvocationExpressionSyntax InsertionPoint(InvocationExpressionSyntax registration)
        {
            var insertAfter = registration;
            for (SyntaxNode current = registration;
                current.Parent is MemberAccessExpressionSyntax access && access.Expression == current && access.Parent is InvocationExpressionSyntax next;
                current = next)
            {
                string name = access.Name.Identifier.ValueText;
                if (name == "ConfigurePrimaryHttpMessageHandler" || name == "UseSocketsHttpHandler" || name == "ConfigureHttpMessageHandlerBuilder")
                {
                    insertAfter = next;
                }
            }

            return insertAfter;
        }

        /// <summary><c>ForAddress(address)</c> → <c>ForAddress(address, new GrpcChannelOptions { HttpHandler = … })</c>; options written there get the member.</summary>
        private static SyntaxNode? WithChannelHandler(InvocationExpressionSyntax forAddress, Names names, SemanticModel model)
        {
            var (_, options, _) = ChannelOptionsArgument(forAddress, model);
            var multipleConnections = AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName("EnableMultipleHttp2Connections"), LiteralExpression(SyntaxKind.TrueLiteralExpression));
            var handler = names.Cached(ObjectCreationExpression(names.Type(SocketsHandler).WithLeadingTrivia(Space).WithTrailingTrivia(Space))
                .WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(multipleConnections))));
            var member = AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName("HttpHandler"), handler);
            if (options == null)
            {
                var created = ObjectCreationExpression(names.Type(ChannelOptions).WithLeadingTrivia(Space).WithTrailingTrivia(Space))
                    .WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(member)));
                return forAddress.WithArgumentList(forAddress.ArgumentList.AddArguments(Argument(created)));
            }

            var initializer = options.Initializer ?? InitializerExpression(SyntaxKind.ObjectInitializerExpression);
            var withMember = options.WithInitializer(initializer.AddExpressions(member));
            return forAddress.ReplaceNode(options, withMember);
        }

        /// <summary>The options argument of <c>ForAddress</c>: absent, or written there as <c>new GrpcChannelOptions { … }</c> (fixable), or anything else.</summary>
        private static (bool Fixable, ObjectCreationExpressionSyntax? Options, int Count) ChannelOptionsArgument(InvocationExpressionSyntax forAddress, SemanticModel model)
        {
            var arguments = forAddress.ArgumentList.Arguments;
            if (arguments.Count == 1 && arguments[0].NameColon == null)
            {
                return (true, null, 1);
            }

            if (arguments.Count == 2 && arguments[1].NameColon == null && arguments[1].Expression is ObjectCreationExpressionSyntax options
                && model.GetTypeInfo(options).Type?.ToDisplayString() == ChannelOptions)
            {
                return (true, options, 2);
            }

            return (false, null, arguments.Count);
        }

        /// <summary>How the fix names the runtime's types: by their symbols (<see cref="TypeNames.Of(ITypeSymbol)"/>).</summary>
        private sealed class Names
        {
            private readonly Compilation compilation;

            public Names(Compilation compilation) => this.compilation = compilation;

            public TypeSyntax Type(string metadataName) => TypeNames.Of(compilation.GetTypeByMetadataName(metadataName)!);

            /// <summary><c>handler.UseCachedDns(CachedDns.Resolver)</c> (the static form where the extension does not bind: <see cref="TypeNames.ExtensionCall"/>).</summary>
            public ExpressionSyntax Cached(ExpressionSyntax handler)
            {
                var resolver = TypeNames.StaticMember(compilation.GetTypeByMetadataName(CachedDnsSyntax.TypeName)!, "Resolver");
                return TypeNames.ExtensionCall(compilation.GetTypeByMetadataName(ConnectExtensions)!, handler, "UseCachedDns", Argument(resolver));
            }
        }
    }
}
