using System;
using System.Collections.Immutable;
using System.Net;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Kubernetes;

namespace ResilienceAnalyzers.Dns
{
    /// <summary>What the DNS rules need to know about a host-name argument and the code around a lookup.</summary>
    internal static class HostNames
    {
        /// <summary>
        /// The argument for the method's first parameter (the host name). Arguments come in evaluation (source) order,
        /// so it is found by parameter, not by position: <c>Connect(port: 1, hostname: h)</c>,
        /// <c>GetHostAddresses(family: f, hostNameOrAddress: h)</c>.
        /// </summary>
        public static IOperation? HostArgument(ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>
        /// The host as the message shows it ("\"collector.svc\"" or the expression), or null when the lookup
        /// never reaches DNS: IP literals, <c>localhost</c> and <c>*.localhost</c> (RFC 6761), the machine's own name.
        /// </summary>
        public static string? DescribeRemote(IOperation host)
        {
            var value = StringValue.Of(host);
            if (value != null && value.IsConstant)
            {
                return IsLocal(value.Text) ? null : "\"" + value.Text + "\"";
            }

            if (IsOwnName(host) || NamedAsAddress(host))
            {
                return null;
            }

            return Written(host);
        }

        /// <summary>
        /// A value whose name says it is an IP address, not a host name: <c>pod.Status.PodIP</c>, <c>service.Spec.ClusterIP</c>,
        /// <c>container.IP</c>, a local <c>podIp</c>, <c>address.ToString()</c> of an <c>IPAddress</c>. The resolver parses an
        /// address literal without asking DNS (getaddrinfo with a numeric host), so nothing depends on DNS there (the third
        /// unseen survey set: GZCTF's proxy resolves a container's ClusterIP).
        /// </summary>
        private static bool NamedAsAddress(IOperation host)
        {
            host = Unwrap.Conversions(host);
            string? name = host switch
            {
                IPropertyReferenceOperation property => property.Property.Name,
                IFieldReferenceOperation field => field.Field.Name,
                ILocalReferenceOperation local => local.Local.Name,
                IParameterReferenceOperation parameter => parameter.Parameter.Name,
                IInvocationOperation { TargetMethod.Name: "ToString", Instance: { } instance } => Namespaces.IsType(instance.Type, "System.Net", "IPAddress") ? "IP" : null,
                _ => null,
            };
            return name != null
                && (name.EndsWith("IP", StringComparison.Ordinal) || name.EndsWith("Ip", StringComparison.Ordinal)
                    || name.EndsWith("IPAddress", StringComparison.Ordinal) || name.EndsWith("IpAddress", StringComparison.Ordinal)
                    || name == "ip");
        }

        /// <summary>An expression as written, cut to 60 characters for a message.</summary>
        public static string Written(IOperation value)
        {
            string text = value.Syntax.ToString();
            return text.Length > 60 ? text.Substring(0, 57) + "..." : text;
        }

        /// <summary>
        /// The machine's or pod's own name — <c>Dns.GetHostName()</c>, <c>Environment.MachineName</c>, or the downward
        /// API's <c>HOSTNAME</c>/<c>POD_NAME</c> — directly, through <c>??</c>, or through a local initialized with it:
        /// /etc/hosts answers it, not cluster DNS.
        /// </summary>
        private static bool IsOwnName(IOperation host)
        {
            for (int depth = 0; depth < 4; depth++)
            {
                host = Unwrap.Conversions(host);

                switch (host)
                {
                    case IInvocationOperation inner when inner.TargetMethod.Name == "GetHostName" && Namespaces.IsType(inner.TargetMethod.ContainingType, "System.Net", "Dns"):
                        return true;
                    case IPropertyReferenceOperation property when property.Property.Name == "MachineName" && Namespaces.IsType(property.Property.ContainingType, "System", "Environment"):
                        return true;
                    case IInvocationOperation env when env.TargetMethod.Name == "GetEnvironmentVariable" && env.Arguments.Length > 0
                        && env.Arguments[0].Value.ConstantValue.Value is string name
                        && (name == "HOSTNAME" || Workload.FanOutResolver.PodIdentityVariables.Contains(name) && name.EndsWith("NAME", StringComparison.Ordinal)):
                        return true;
                    case ICoalesceOperation coalesce:
                        host = coalesce.Value;
                        continue;
                    case ILocalReferenceOperation local when StringValue.InitializerOf(local) is IOperation initializer:
                        host = initializer;
                        continue;
                }

                return false;
            }

            return false;
        }

        public static bool IsLocal(string host)
            => host.Length == 0
            || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(host, out _);

        /// <summary>Code inside the product's resolver, or any type named like a caching resolver, is the cure, not the disease.</summary>
        public static bool IsInsideCachingResolver(ISymbol? symbol)
        {
            for (var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType; type != null; type = type.ContainingType)
            {
                if (type.Name.IndexOf("CachedDns", StringComparison.Ordinal) >= 0 || InResilienceDns(type.ContainingNamespace))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>Resilience.Dns</c>, <c>Resilience.Dns.DnsClient</c>, … — without building the namespace's display string.</summary>
        private static bool InResilienceDns(INamespaceSymbol? ns)
        {
            INamespaceSymbol? below = null;
            for (var n = ns; n != null && !n.IsGlobalNamespace; n = n.ContainingNamespace)
            {
                if (n.ContainingNamespace?.IsGlobalNamespace != false)
                {
                    return n.Name == "Resilience" && below != null && below.Name.StartsWith("Dns", StringComparison.Ordinal);
                }

                below = n;
            }

            return false;
        }

        /// <summary>
        /// The code already keeps a last-known-good answer: the lookup sits in a <c>try</c> whose <c>catch</c>
        /// does not rethrow, and its result is stored in a field or property (kept for the next failure).
        /// </summary>
        public static bool KeepsLastKnownGood(IInvocationOperation lookup)
        {
            ITryOperation? guardedBy = null;
            for (var parent = lookup.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is ITryOperation tryOperation && !tryOperation.Catches.IsEmpty)
                {
                    guardedBy = tryOperation;
                    break;
                }

                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation || parent is IMethodBodyOperation)
                {
                    return false;
                }
            }

            if (guardedBy == null)
            {
                return false;
            }

            // Every catch lets the failure pass (RetryLoops.Swallows, the one definition shared with RES1005 and its fixer).
            foreach (var @catch in guardedBy.Catches)
            {
                if (!Analysis.RetryLoops.Swallows(@catch))
                {
                    return false;
                }
            }

            IOperation value = Unwrap.Result(lookup, awaited: true);
            if (value.Parent is ISimpleAssignmentOperation assignment && Outlives(assignment.Target))
            {
                return true;
            }

            // Through a local first (var addresses = await Dns…; then kept): a cache entry's property, a dictionary or array
            // slot (MySqlConnector's address-change check keeps each host's last answer in an array its timer captures;
            // FreeRedis' resolver keeps a DnsItem per host in a dictionary field, and its catch returns the old one).
            ILocalSymbol? local = value.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
                _ => null,
            };
            if (local == null)
            {
                return false;
            }

            foreach (var reference in guardedBy.Body.Descendants())
            {
                if (reference is ILocalReferenceOperation read && SymbolEqualityComparer.Default.Equals(read.Local, local)
                    && Unwrap.Result(read, awaited: false) is var stored
                    && stored.Parent is ISimpleAssignmentOperation kept && kept.Value == stored && Outlives(kept.Target))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A place a value outlives the method in: a field, a property or indexer (a dictionary slot, an entry's member), an array element.</summary>
        private static bool Outlives(IOperation target)
            => target is IFieldReferenceOperation || target is IPropertyReferenceOperation || target is IArrayElementReferenceOperation;

        /// <summary>The method that makes the lookup also opens a connection: a connection path (resolve per connect).</summary>
        public static bool IsOnConnectionPath(IOperation lookup)
        {
            IOperation root = lookup;
            while (root.Parent != null && !(root is IMethodBodyOperation) && !(root is IAnonymousFunctionOperation) && !(root is ILocalFunctionOperation))
            {
                root = root.Parent;
            }

            foreach (var descendant in root.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation invocation
                    && (invocation.TargetMethod.Name == "Connect" || invocation.TargetMethod.Name == "ConnectAsync")
                    && Namespaces.Is(invocation.TargetMethod.ContainingType?.ContainingNamespace, "System.Net.Sockets"))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
