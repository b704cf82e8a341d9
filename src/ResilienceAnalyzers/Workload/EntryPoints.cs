using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Workload
{
    /// <summary>
    /// Methods a framework calls again and again: per request, per message, per probe, per refresh period. One
    /// catalog, one row per entry point, each with the source of its period; where the framework documents no fixed
    /// period the row has none and messages say "repeated" without a number.
    /// </summary>
    internal static class EntryPoints
    {
        private enum Match
        {
            /// <summary>The method implements the named interface member.</summary>
            Implements,

            /// <summary>The method overrides the named base method.</summary>
            Overrides,

            /// <summary>Any public instance method of a type deriving from the named base type.</summary>
            PublicMethodOf,
        }

        private sealed class Row
        {
            public Row(Match match, string ns, string type, string? member, string trigger, bool perRequest, TimeSpan? period, bool scheduled = false)
            {
                Scheduled = scheduled;
                How = match;
                Namespace = ns;
                Type = type;
                Member = member;
                Trigger = trigger;
                PerRequest = perRequest;
                Period = period;
            }

            public Match How { get; }

            public string Namespace { get; }

            /// <summary>Metadata name (<c>IConsumer`1</c>).</summary>
            public string Type { get; }

            public string? Member { get; }

            public string Trigger { get; }

            public bool PerRequest { get; }

            public TimeSpan? Period { get; }

            /// <summary>Run on a schedule set outside the code (<see cref="Frequency.Schedule"/>).</summary>
            public bool Scheduled { get; }
        }

        private static readonly ImmutableArray<Row> Rows = ImmutableArray.Create(
            // Per incoming request (ASP.NET Core).
            new Row(Match.PublicMethodOf, "Microsoft.AspNetCore.Mvc", "ControllerBase", null, "HTTP request", perRequest: true, period: null),
            new Row(Match.PublicMethodOf, "Microsoft.AspNetCore.Mvc.RazorPages", "PageModel", null, "HTTP request", perRequest: true, period: null),
            new Row(Match.PublicMethodOf, "Microsoft.AspNetCore.SignalR", "Hub", null, "SignalR hub call", perRequest: true, period: null),
            new Row(Match.Implements, "Microsoft.AspNetCore.Http", "IMiddleware", "InvokeAsync", "HTTP request (middleware)", perRequest: true, period: null),
            // Per outgoing request: every HttpClient call through the handler chain.
            new Row(Match.Overrides, "System.Net.Http", "DelegatingHandler", "SendAsync", "outgoing HTTP request (DelegatingHandler)", perRequest: true, period: null),
            new Row(Match.Overrides, "System.Net.Http", "HttpMessageHandler", "SendAsync", "outgoing HTTP request (HttpMessageHandler)", perRequest: true, period: null),
            // Per probe: the kubelet calls a probe every periodSeconds, 10 by default
            // (https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes),
            // per replica and per probe kind.
            new Row(Match.Implements, "Microsoft.Extensions.Diagnostics.HealthChecks", "IHealthCheck", "CheckHealthAsync", "health check (kubelet probe, periodSeconds default 10)", perRequest: false, period: TimeSpan.FromSeconds(10)),
            // Per message: message consumers and actors.
            new Row(Match.Implements, "MassTransit", "IConsumer`1", "Consume", "MassTransit message", perRequest: true, period: null),
            new Row(Match.Implements, "NServiceBus", "IHandleMessages`1", "Handle", "NServiceBus message", perRequest: true, period: null),
            new Row(Match.Implements, "Proto", "IActor", "ReceiveAsync", "Proto.Actor message", perRequest: true, period: null),
            new Row(Match.Overrides, "Akka.Actor", "UntypedActor", "OnReceive", "Akka message", perRequest: true, period: null),
            new Row(Match.Overrides, "Akka.Actor", "ActorBase", "Receive", "Akka message", perRequest: true, period: null),
            // Steeltoe actuators (3.x): /info and /health run their contributors on every request to the endpoint.
            new Row(Match.Implements, "Steeltoe.Management.Info", "IInfoContributor", "Contribute", "/info actuator request", perRequest: true, period: null),
            new Row(Match.Implements, "Steeltoe.Common.HealthChecks", "IHealthContributor", "Health", "/health actuator request", perRequest: true, period: null),
            // Scheduled jobs: the trigger (in configuration) decides the period.
            new Row(Match.Implements, "Quartz", "IJob", "Execute", "Quartz job", perRequest: false, period: null, scheduled: true),
            // Framework refreshes. Orleans: ClusterMembershipOptions.TableRefreshTimeout = 60 s, the period between
            // reads of the membership table; GatewayOptions.GatewayListRefreshPeriod = 1 min (dotnet/orleans,
            // src/Orleans.Core/Configuration/Options/ClusterMembershipOptions.cs and GatewayOptions.cs).
            new Row(Match.Implements, "Orleans", "IMembershipTable", "ReadAll", "Orleans membership-table refresh", perRequest: false, period: TimeSpan.FromSeconds(60)),
            new Row(Match.Implements, "Orleans.Messaging", "IGatewayListProvider", "GetGateways", "Orleans gateway-list refresh", perRequest: false, period: TimeSpan.FromMinutes(1)),
            // Akka.Management cluster bootstrap polls the discovery plugin's Lookup every contact-point-discovery.interval,
            // 1 s by default, until the cluster forms (akkadotnet/Akka.Management,
            // src/management/Akka.Management/Resources/reference.conf: "interval = 1s").
            new Row(Match.Overrides, "Akka.Discovery", "ServiceDiscovery", "Lookup", "Akka cluster-bootstrap discovery (contact-point-discovery.interval default 1 s)", perRequest: false, period: TimeSpan.FromSeconds(1)));

        /// <summary>
        /// The repetition a framework puts around <paramref name="method"/>, whose body is <paramref name="body"/>; also
        /// what the body asks of the framework (a KubeOps requeue), or <see cref="Frequency.Once"/>.
        /// </summary>
        public static Frequency Of(IMethodSymbol method, IOperation body)
        {
            var frequency = Of(method, body.Syntax);
            return !frequency.IsPeriodic && method.Name == "ReconcileAsync" && IsKubeOpsController(method) && RequeuedEvery(body) is { } requeue
                ? new Frequency("a KubeOps requeue", requeue.Period, requeue.Site)
                : frequency;
        }

        /// <summary>
        /// KubeOps' <c>IEntityController&lt;T&gt;.ReconcileAsync</c>: the operator calls it for every watch event of the
        /// entity, and again after the time the controller hands to its injected <c>EntityRequeue&lt;T&gt;</c> delegate
        /// ("use this delegate when you need to pro-actively reconcile an entity after a certain amount of time … if you
        /// want to check your entities periodically": buehler/dotnet-operator-sdk, src/KubeOps.Abstractions/Queue/
        /// EntityRequeue.cs; <c>(entity, timeSpan)</c> there, <c>(entity, type, timeSpan, ct)</c> in
        /// KubeOps.Abstractions.Reconciliation.Queue of later releases). Without KubeOps referenced (a partial compilation)
        /// the interface is an error type that keeps its name.
        /// </summary>
        private static bool IsKubeOpsController(IMethodSymbol method)
        {
            foreach (var type in method.ContainingType.AllInterfaces)
            {
                if (type.Name == "IEntityController" && type.Arity == 1 && Namespaces.IsWithin(type.ContainingNamespace, "KubeOps.Abstractions"))
                {
                    return true;
                }
            }

            // Unbound, written first in the base list, the interface is taken for the base class.
            for (var type = method.ContainingType; type != null; type = type.BaseType)
            {
                if (type.BaseType is { TypeKind: TypeKind.Error, Name: "IEntityController", Arity: 1 })
                {
                    return true;
                }

                foreach (var declared in type.Interfaces)
                {
                    if (declared is { TypeKind: TypeKind.Error, Name: "IEntityController", Arity: 1 })
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The first call in <paramref name="body"/> of a delegate of type <c>EntityRequeue&lt;T&gt;</c> (bound, or an error
        /// type kept by name), with the constant of its <c>TimeSpan</c> argument when it has one.
        /// </summary>
        private static (TimeSpan? Period, SyntaxNode Site)? RequeuedEvery(IOperation body)
        {
            foreach (var operation in body.Descendants())
            {
                var requeue = operation is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke } invocation && IsRequeue(invocation.Instance?.Type)
                    || operation is IInvalidOperation invalid && invalid.Syntax is InvocationExpressionSyntax && FirstChild(invalid) is IOperation callee && IsRequeue(callee.Type);
                if (!requeue)
                {
                    continue;
                }

                foreach (var child in operation.ChildOperations)
                {
                    var value = child is IArgumentOperation argument ? argument.Value : child;
                    if (Namespaces.IsType(value.Type, "System", "TimeSpan"))
                    {
                        return (TimeSpanValue.Of(value), operation.Syntax);
                    }
                }

                return (null, operation.Syntax);
            }

            return null;
        }

        private static IOperation? FirstChild(IOperation operation)
        {
            foreach (var child in operation.ChildOperations)
            {
                return child;
            }

            return null;
        }

        private static bool IsRequeue(ITypeSymbol? type)
            => type is INamedTypeSymbol { Name: "EntityRequeue", Arity: 1 } named
                && (named.TypeKind == TypeKind.Error || Namespaces.IsWithin(named.ContainingNamespace, "KubeOps.Abstractions"));

        /// <summary>The repetition a framework puts around <paramref name="method"/>, or <see cref="Frequency.Once"/>.</summary>
        public static Frequency Of(IMethodSymbol method, SyntaxNode site)
        {
            if (method.IsStatic || method.MethodKind != MethodKind.Ordinary && method.MethodKind != MethodKind.ExplicitInterfaceImplementation || method.ContainingType == null)
            {
                return Frequency.Once;
            }

            foreach (var row in Rows)
            {
                if (Matches(row, method))
                {
                    return row.Scheduled ? Frequency.Schedule(row.Trigger, site) : new Frequency(row.Trigger, row.Period, site, row.PerRequest);
                }
            }

            if (IsGrpcServiceMethod(method) || IsConventionalMiddleware(method) || HasRouteAttribute(method))
            {
                return new Frequency("HTTP request", null, site, perRequest: true);
            }

            return Frequency.Once;
        }

        private static bool Matches(Row row, IMethodSymbol method)
        {
            switch (row.How)
            {
                case Match.Implements:
                    if (method.Name != row.Member && method.MethodKind != MethodKind.ExplicitInterfaceImplementation)
                    {
                        return false;
                    }

                    foreach (var type in method.ContainingType.AllInterfaces)
                    {
                        if (type.MetadataName == row.Type && InNamespace(type, row.Namespace))
                        {
                            foreach (var member in type.GetMembers(row.Member!))
                            {
                                if (SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method))
                                {
                                    return true;
                                }
                            }
                        }
                    }

                    // The framework is not referenced (a partial compilation, the IDE before restore): the interface is an
                    // error type with only the name written, and nothing says which member implements it; a public method
                    // of the member's name is taken for it (Orleans' IMembershipTable.ReadAll in a clustering provider
                    // compiled without Orleans). Written first in the base list, an unknown interface is taken for the base
                    // class, so the base types are read too.
                    if (method.Name == row.Member && method.DeclaredAccessibility == Accessibility.Public && !method.IsStatic)
                    {
                        for (var type = method.ContainingType; type != null; type = type.BaseType)
                        {
                            if (type.BaseType is { TypeKind: TypeKind.Error } unknownBase && unknownBase.MetadataName == row.Type)
                            {
                                return true;
                            }

                            foreach (var declared in type.Interfaces)
                            {
                                if (declared.TypeKind == TypeKind.Error && declared.MetadataName == row.Type)
                                {
                                    return true;
                                }
                            }
                        }
                    }

                    return false;

                case Match.Overrides:
                    if (method.Name != row.Member || !method.IsOverride)
                    {
                        return false;
                    }

                    for (var overridden = method.OverriddenMethod; overridden != null; overridden = overridden.OverriddenMethod)
                    {
                        if (overridden.ContainingType.MetadataName == row.Type && InNamespace(overridden.ContainingType, row.Namespace))
                        {
                            return true;
                        }
                    }

                    // The framework is not referenced (a partial compilation, the IDE before restore): the base type is an
                    // error type that keeps only the name written; that name and the member's are all there is to go on.
                    if (method.OverriddenMethod == null)
                    {
                        for (var type = method.ContainingType.BaseType; type != null; type = type.BaseType)
                        {
                            if (type.TypeKind == TypeKind.Error && type.MetadataName == row.Type)
                            {
                                return true;
                            }
                        }
                    }

                    return false;

                default:
                    if (method.DeclaredAccessibility != Accessibility.Public || method.MethodKind != MethodKind.Ordinary)
                    {
                        return false;
                    }

                    for (var type = method.ContainingType.BaseType; type != null; type = type.BaseType)
                    {
                        if (type.MetadataName == row.Type && InNamespace(type, row.Namespace))
                        {
                            return true;
                        }
                    }

                    return false;
            }
        }

        /// <summary>An <c>[Http…]</c> or <c>[Route]</c> attribute on a public method: an action, whatever its type derives from.</summary>
        private static bool HasRouteAttribute(IMethodSymbol method)
        {
            if (method.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }

            foreach (var attribute in method.GetAttributes())
            {
                string? name = attribute.AttributeClass?.Name;
                if (name != null && ((name.StartsWith("Http", StringComparison.Ordinal) && name.EndsWith("Attribute", StringComparison.Ordinal)) || name == "RouteAttribute")
                    && Namespaces.IsWithin(attribute.AttributeClass!.ContainingNamespace, "Microsoft.AspNetCore"))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>An override of a gRPC generated service base (its class carries <c>[BindServiceMethod]</c>): one call per RPC.</summary>
        private static bool IsGrpcServiceMethod(IMethodSymbol method)
        {
            if (!method.IsOverride)
            {
                return false;
            }

            var declaring = method.OverriddenMethod?.ContainingType;
            if (declaring == null)
            {
                return false;
            }

            foreach (var attribute in declaring.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "BindServiceMethodAttribute")
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Convention-based middleware: a public <c>Invoke</c>/<c>InvokeAsync</c> whose first parameter is <c>HttpContext</c>.</summary>
        private static bool IsConventionalMiddleware(IMethodSymbol method)
            => (method.Name == "Invoke" || method.Name == "InvokeAsync")
                && method.DeclaredAccessibility == Accessibility.Public
                && method.Parameters.Length > 0
                && method.Parameters[0].Type.Name == "HttpContext"
                && InNamespace(method.Parameters[0].Type, "Microsoft.AspNetCore.Http");

        private static bool InNamespace(ISymbol symbol, string ns)
            => Namespaces.Is(symbol.ContainingNamespace, ns);
    }
}
