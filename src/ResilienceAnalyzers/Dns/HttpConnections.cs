using System.Collections.Generic;
using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Kubernetes;

namespace ResilienceAnalyzers.Dns
{
    /// <summary>What kind of HTTP/gRPC connection source RES2004 found: it decides the clock in the message and the remedy.</summary>
    internal enum HttpConnectionKind
    {
        /// <summary><c>new HttpClient()</c> / <c>new HttpClient(new HttpClientHandler())</c>: the default handler.</summary>
        Client,

        /// <summary><c>new SocketsHttpHandler { … }</c> without a <c>ConnectCallback</c>.</summary>
        Handler,

        /// <summary><c>services.AddHttpClient(…)</c> / <c>AddGrpcClient&lt;T&gt;(…)</c>: IHttpClientFactory's primary handler.</summary>
        Factory,

        /// <summary><c>GrpcChannel.ForAddress(address)</c> with the channel's own handler.</summary>
        GrpcChannel,
    }

    /// <summary>An HTTP/gRPC connection source RES2004 reports: what was written, which host, which kind.</summary>
    internal sealed class HttpConnectionSite
    {
        public HttpConnectionSite(HttpConnectionKind kind, string what, string host, string? clientName = null)
        {
            Kind = kind;
            What = what;
            Host = host;
            ClientName = clientName;
        }

        /// <summary>
        /// For a factory registration, the client name it configures: a constant name, <see cref="EveryClient"/> for
        /// <c>AddHttpClient()</c> (the factory itself: every client it creates), null when the name is not a constant.
        /// </summary>
        public string? ClientName { get; }

        public const string EveryClient = "*";

        public HttpConnectionKind Kind { get; }

        public string What { get; }

        public string Host { get; }
    }

    /// <summary>
    /// Recognizes the places where .NET code creates HTTP/gRPC connections that resolve through the system resolver, and
    /// the ones already routed through a cache (a <c>ConnectCallback</c>, <c>UseCachedDns</c>, <c>AddCachedDns</c>). Types
    /// are matched by metadata name: the analyzers reference neither Microsoft.Extensions.Http nor Grpc.Net.Client.
    /// Everything it cannot see through (a handler from a helper, a builder handed to another method) is judged cached:
    /// never guess.
    /// </summary>
    internal static class HttpConnections
    {
        /// <summary>The names the syntax pre-filter lets through.</summary>
        public static readonly HashSet<string> InvokedNames = Names.Set("AddHttpClient", "AddGrpcClient", "ForAddress");

        public static readonly HashSet<string> CreatedNames = Names.Set("HttpClient", "SocketsHttpHandler");

        private const string Http = "System.Net.Http";

        /// <summary>The builder calls that may set the primary handler's connect path.</summary>
        private static readonly HashSet<string> PrimaryHandlerCalls = Names.Set(
            "ConfigurePrimaryHttpMessageHandler", "UseSocketsHttpHandler", "ConfigureHttpMessageHandlerBuilder");

        public static HttpConnectionSite? Recognize(IOperation operation)
        {
            switch (operation)
            {
                case IObjectCreationOperation creation when Namespaces.IsType(creation.Type, Http, "HttpClient"):
                    return DefaultHandlerClient(creation);
                case IObjectCreationOperation creation when Namespaces.IsType(creation.Type, Http, "SocketsHttpHandler"):
                    return UncachedHandler(creation);
                case IInvocationOperation invocation when invocation.TargetMethod.Name == "AddHttpClient" || invocation.TargetMethod.Name == "AddGrpcClient":
                    return FactoryRegistration(invocation);
                case IInvocationOperation invocation when invocation.TargetMethod.Name == "ForAddress":
                    return GrpcChannel(invocation);
                default:
                    return null;
            }
        }

        /// <summary>
        /// <c>new HttpClient()</c> (its default SocketsHttpHandler) or <c>new HttpClient(new HttpClientHandler())</c> (no
        /// <c>ConnectCallback</c> to set); silent for any other handler (judged where it is created) and for a constant
        /// <c>BaseAddress</c> on an IP literal or localhost.
        /// </summary>
        private static HttpConnectionSite? DefaultHandlerClient(IObjectCreationOperation creation)
        {
            string what;
            if (creation.Arguments.IsEmpty)
            {
                what = "new HttpClient()";
            }
            else if (HandlerArgument(creation) is IObjectCreationOperation handler && Namespaces.IsType(handler.Type, Http, "HttpClientHandler"))
            {
                what = "new HttpClient(new HttpClientHandler())";
            }
            else
            {
                return null;
            }

            string? host = "its requests' hosts";
            if (InitializerValue(creation.Initializer, "BaseAddress") is IOperation baseAddress)
            {
                host = DescribeUri(baseAddress);
            }

            return host == null ? null : new HttpConnectionSite(HttpConnectionKind.Client, what, host);
        }

        /// <summary>
        /// <c>new SocketsHttpHandler { … }</c> without <c>ConnectCallback</c> whose consumer is visible and not a cache: handed
        /// to <c>new HttpClient(…)</c>/<c>new HttpMessageInvoker(…)</c>, to a gRPC channel's <c>HttpHandler</c>, or kept in a
        /// local that is only used that way.
        /// </summary>
        private static HttpConnectionSite? UncachedHandler(IObjectCreationOperation creation)
        {
            if (InitializerValue(creation.Initializer, "ConnectCallback") != null)
            {
                return null;
            }

            var consumer = Unwrap.Result(creation, awaited: false).Parent;
            bool uncached;
            switch (consumer)
            {
                case IArgumentOperation argument:
                    uncached = IsHttpClientConstruction(argument.Parent);
                    break;
                case ISimpleAssignmentOperation assignment when assignment.Target is IPropertyReferenceOperation property:
                    // new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() }
                    uncached = property.Property.Name == "HttpHandler" && property.Property.ContainingType?.Name == "GrpcChannelOptions";
                    break;
                case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                    uncached = OnlyHandedToClients(declarator.Symbol, creation);
                    break;
                default:
                    // Returned (a ConfigurePrimaryHttpMessageHandler factory: judged at AddHttpClient), stored in a member,
                    // handed to a helper: whoever gets it may still set ConnectCallback.
                    uncached = false;
                    break;
            }

            return uncached ? new HttpConnectionSite(HttpConnectionKind.Handler, "new SocketsHttpHandler", "every host it connects to") : null;
        }

        /// <summary>
        /// <c>services.AddHttpClient(…)</c> / <c>AddGrpcClient&lt;T&gt;(…)</c> whose builder chain (fluent, or through a local)
        /// adds no cache, in a method that does not add one to every client (<c>ConfigureHttpClientDefaults</c>).
        /// </summary>
        private static HttpConnectionSite? FactoryRegistration(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;

            // services.AddHttpClient(): the factory itself, with every client it creates on the default handler.
            bool everyClient = method.Name == "AddHttpClient" && method.ReturnType.Name == "IServiceCollection" && invocation.Arguments.Length == 1;
            if (!Namespaces.Is(method.ContainingType?.ContainingNamespace, "Microsoft.Extensions.DependencyInjection")
                || !everyClient && method.ReturnType.Name != "IHttpClientBuilder"
                || !everyClient && !BuilderChainIsUncached(invocation)
                || MethodAddsCacheToEveryClient(invocation))
            {
                return null;
            }

            if (everyClient)
            {
                return new HttpConnectionSite(HttpConnectionKind.Factory, "AddHttpClient()", "its clients' hosts", HttpConnectionSite.EveryClient);
            }

            string what = method.Name + (method.TypeArguments.IsEmpty ? string.Empty : "<" + string.Join(", ", System.Linq.Enumerable.Select(method.TypeArguments, t => t.Name)) + ">");
            string? clientName = method.TypeArguments.Length > 0 ? method.TypeArguments[0].Name : string.Empty;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name == "name")
                {
                    clientName = argument.Value.ConstantValue.Value as string;
                    if (clientName != null)
                    {
                        what += "(\"" + clientName + "\")";
                    }
                }
            }

            return new HttpConnectionSite(HttpConnectionKind.Factory, what, "its clients' hosts", clientName);
        }

        /// <summary><c>IHttpClientFactory.CreateClient(name)</c> and the extension <c>CreateClient()</c> (the default name), if referenced.</summary>
        public static System.Collections.Generic.IEnumerable<IMethodSymbol> CreateClientMethods(Compilation compilation)
        {
            foreach (var typeName in new[] { "System.Net.Http.IHttpClientFactory", "System.Net.Http.HttpClientFactoryExtensions" })
            {
                foreach (var member in compilation.GetTypeByMetadataName(typeName)?.GetMembers("CreateClient") ?? ImmutableArray<ISymbol>.Empty)
                {
                    if (member is IMethodSymbol method)
                    {
                        yield return method;
                    }
                }
            }
        }

        /// <summary>
        /// Whether a <c>CreateClient</c> call creates a client of the registration <paramref name="site"/>: the factory's
        /// own registration covers every client; otherwise the names must be equal where both are constants (the extension
        /// <c>CreateClient()</c> asks for the default name, ""); an unknown name on either side is taken as a match.
        /// </summary>
        public static bool CreatesClientOf(IOperation use, HttpConnectionSite site)
        {
            if (site.ClientName == null || site.ClientName == HttpConnectionSite.EveryClient || !(use is IInvocationOperation invocation))
            {
                return true;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name == "name")
                {
                    return !(argument.Value.ConstantValue.Value is string used) || used == site.ClientName;
                }
            }

            return site.ClientName.Length == 0;
        }

        /// <summary><c>GrpcChannel.ForAddress(address[, options])</c> by host name, with no handler given in the options.</summary>
        private static HttpConnectionSite? GrpcChannel(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (!Namespaces.IsType(method.ContainingType, "Grpc.Net.Client", "GrpcChannel") || !method.IsStatic)
            {
                return null;
            }

            string? host = null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name == "address")
                {
                    host = DescribeUri(argument.Value);
                }
                else if (argument.Parameter?.Name == "channelOptions" && !argument.IsImplicit)
                {
                    // Options built elsewhere may carry a handler; options built here are read.
                    if (!(Unwrap.Conversions(argument.Value) is IObjectCreationOperation options)
                        || InitializerValue(options.Initializer, "HttpHandler") != null
                        || InitializerValue(options.Initializer, "HttpClient") != null)
                    {
                        return null;
                    }
                }
            }

            return host == null ? null : new HttpConnectionSite(HttpConnectionKind.GrpcChannel, "GrpcChannel.ForAddress", host);
        }

        /// <summary>The handler passed to <c>new HttpClient(handler[, disposeHandler])</c>, through a single-assignment local.</summary>
        private static IOperation? HandlerArgument(IObjectCreationOperation creation)
        {
            foreach (var argument in creation.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    var value = Unwrap.Conversions(argument.Value);
                    return value is ILocalReferenceOperation local && StringValue.InitializerOf(local) is IOperation initializer
                        ? Unwrap.Conversions(initializer)
                        : value;
                }
            }

            return null;
        }

        private static bool IsHttpClientConstruction(IOperation? operation)
            => operation is IObjectCreationOperation client
                && (Namespaces.IsType(client.Type, Http, "HttpClient") || Namespaces.IsType(client.Type, Http, "HttpMessageInvoker"));

        /// <summary>
        /// Every use of the local holding the handler is visible and none routes it through a cache: it is handed to an
        /// HttpClient/HttpMessageInvoker, or has other properties set. Any other use (a helper, <c>UseCachedDns</c>, a
        /// <c>ConnectCallback</c> assignment, a return) may cache it.
        /// </summary>
        private static bool OnlyHandedToClients(ILocalSymbol local, IOperation creation)
        {
            bool handed = false;
            foreach (var use in Root(creation).Descendants())
            {
                if (!(use is ILocalReferenceOperation reference) || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                var parent = Unwrap.Result(reference, awaited: false).Parent;
                if (parent is IArgumentOperation argument && IsHttpClientConstruction(argument.Parent))
                {
                    handed = true;
                }
                else if (!(parent is IPropertyReferenceOperation property && property.Property.Name != "ConnectCallback"))
                {
                    return false;
                }
            }

            return handed;
        }

        /// <summary>
        /// Follows the builder from <c>AddHttpClient</c> through its extension calls (and a local it is kept in): uncached
        /// unless one of them is <c>AddCachedDns</c>, sets a <c>ConnectCallback</c>/<c>UseCachedDns</c>, or configures a
        /// primary handler this rule cannot see; a builder handed anywhere else is judged cached.
        /// </summary>
        private static bool BuilderChainIsUncached(IInvocationOperation registration)
        {
            IOperation current = registration;
            for (int depth = 0; depth < 32; depth++)
            {
                var consumer = Unwrap.Result(current, awaited: false).Parent;
                switch (consumer)
                {
                    case IArgumentOperation argument when argument.Parent is IInvocationOperation next
                        && next.TargetMethod.IsExtensionMethod && argument.Parameter?.Ordinal == 0:
                        if (Caches(next))
                        {
                            return false;
                        }

                        current = next;
                        continue;
                    case IExpressionStatementOperation _:
                        return true;
                    case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                        return LocalBuilderIsUncached(declarator.Symbol, registration);
                    default:
                        return false;
                }
            }

            return false;
        }

        private static bool LocalBuilderIsUncached(ILocalSymbol local, IOperation registration)
        {
            foreach (var use in Root(registration).Descendants())
            {
                if (use is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                    && !(reference.Parent is IArgumentOperation argument && argument.Parent is IInvocationOperation call
                        && call.TargetMethod.IsExtensionMethod && argument.Parameter?.Ordinal == 0 && !Caches(call)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A builder call that routes connections through a cache, or configures a handler this rule cannot see.</summary>
        private static bool Caches(IInvocationOperation call)
        {
            string name = call.TargetMethod.Name;
            if (name == "AddCachedDns")
            {
                return true;
            }

            if (!PrimaryHandlerCalls.Contains(name))
            {
                return false;
            }

            bool createsHandler = name == "UseSocketsHttpHandler";
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    continue;
                }

                foreach (var inner in argument.Value.DescendantsAndSelf())
                {
                    if (RoutesThroughCache(inner))
                    {
                        return true;
                    }

                    // A helper's HttpClientHandler (or a class derived from it: `() => Handlers.Create(…)`, SlimFaas in the
                    // third unseen survey set) has no ConnectCallback to route through a cache, whoever built it.
                    createsHandler |= inner is IObjectCreationOperation created
                        && (Namespaces.IsType(created.Type, Http, "SocketsHttpHandler") || Namespaces.IsType(created.Type, Http, "HttpClientHandler"))
                        || inner is IInvocationOperation helper && Namespaces.IsOrDerivesFrom(helper.Type, Http, "HttpClientHandler");
                }
            }

            // ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<MyHandler>()): a handler built elsewhere.
            return !createsHandler;
        }

        /// <summary><c>x.ConnectCallback = …</c> or <c>x.UseCachedDns(…)</c>.</summary>
        private static bool RoutesThroughCache(IOperation operation)
            => operation is IPropertyReferenceOperation { Property.Name: "ConnectCallback" } callback && callback.Parent is ISimpleAssignmentOperation assignment && assignment.Target == callback
                || operation is IInvocationOperation { TargetMethod.Name: "UseCachedDns" };

        /// <summary><c>services.ConfigureHttpClientDefaults(b => b.AddCachedDns())</c> in the same method covers every client.</summary>
        private static bool MethodAddsCacheToEveryClient(IOperation registration)
        {
            foreach (var operation in Root(registration).Descendants())
            {
                if (operation is IInvocationOperation { TargetMethod.Name: "ConfigureHttpClientDefaults" } defaults)
                {
                    foreach (var inner in defaults.Descendants())
                    {
                        if (inner is IInvocationOperation call && Caches(call))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A URI as the message shows it, or null when it never reaches DNS: a constant <c>"http://10.0.0.1:80"</c>,
        /// <c>new Uri("http://localhost")</c>, a scheme that is not HTTP (<c>dns:///</c>, <c>unix:</c>: gRPC's own resolver
        /// or no DNS at all).
        /// </summary>
        private static string? DescribeUri(IOperation value)
        {
            value = Unwrap.Conversions(value);
            if (value is IObjectCreationOperation uri && Namespaces.IsType(uri.Type, "System", "Uri") && uri.Arguments.Length == 1)
            {
                value = Unwrap.Conversions(uri.Arguments[0].Value);
            }

            var text = StringValue.Of(value);
            if (text != null && text.IsConstant)
            {
                if (Uri.TryCreate(text.Text, UriKind.Absolute, out var parsed))
                {
                    bool http = parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps;
                    return !http || HostNames.IsLocal(parsed.IdnHost.Trim('[', ']')) ? null : "\"" + text.Text + "\"";
                }

                return null;
            }

            return HostNames.Written(value);
        }

        /// <summary>The value assigned to <paramref name="member"/> in an object initializer, if any.</summary>
        private static IOperation? InitializerValue(IObjectOrCollectionInitializerOperation? initializer, string member)
        {
            if (initializer == null)
            {
                return null;
            }

            foreach (var entry in initializer.Initializers)
            {
                if (entry is ISimpleAssignmentOperation assignment && assignment.Target is IMemberReferenceOperation target && target.Member.Name == member)
                {
                    return assignment.Value;
                }
            }

            return null;
        }

        private static IOperation Root(IOperation operation)
        {
            while (operation.Parent != null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>Where the squiggle goes: <c>new Type(…)</c> without its initializer, the method name of a call.</summary>
        public static Location Location(IOperation operation)
        {
            if (operation.Syntax is BaseObjectCreationExpressionSyntax creation)
            {
                var end = creation.ArgumentList?.Span.End ?? (creation as ObjectCreationExpressionSyntax)?.Type.Span.End ?? creation.Span.End;
                return Microsoft.CodeAnalysis.Location.Create(creation.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(creation.SpanStart, end));
            }

            return Locations.MethodName(operation);
        }
    }
}
