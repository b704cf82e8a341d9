using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Kubernetes;

namespace ResilienceAnalyzers.Dns
{
    /// <summary>
    /// Whether an <c>EndPoint</c> handed to a socket connect can be a <c>DnsEndPoint</c> of a remote host. Drivers keep the
    /// end point the user configured (<c>WithTcpServer(host)</c> → <c>new DnsEndPoint(host, port)</c>) in an options object
    /// and connect to it from every (re)connect (MQTTnet's <c>MqttClientTcpOptions.RemoteEndpoint</c>, unseen DNS survey
    /// set); <c>Socket.ConnectAsync(EndPoint)</c> resolves a <c>DnsEndPoint</c> through the system resolver on each call.
    /// </summary>
    internal static class EndPoints
    {
        /// <summary>
        /// How many hops (a parameter to its callers' arguments, a member to the values assigned to it, a local to its
        /// initializer) a value is followed back. MQTTnet's connect needs four (parameter → options property → builder
        /// field → <c>new DnsEndPoint</c>); six leaves room for one more wrapper on each side, and no survey row needs more.
        /// </summary>
        private const int MaxHops = 6;

        /// <summary>
        /// An argument worth following: typed as the abstract <c>EndPoint</c> (a <c>DnsEndPoint</c> or <c>IPEndPoint</c>
        /// typed as such says what it is) and read from a parameter, field, property or local — the value is decided elsewhere.
        /// </summary>
        public static bool MayCarryHostName(IOperation argument)
        {
            var value = Unwrap.Conversions(argument);
            return Namespaces.IsType(value.Type, "System.Net", "EndPoint")
                && (value is IParameterReferenceOperation || value is IFieldReferenceOperation || value is IPropertyReferenceOperation || value is ILocalReferenceOperation);
        }

        /// <summary>
        /// The remote host of a <c>new DnsEndPoint(host, …)</c> that can reach <paramref name="value"/>, as the message shows it;
        /// null when every value found is an address, a local name, or not known here (a method's result, a cast from
        /// elsewhere). The first such host is the answer: one is enough to make the connect resolve.
        /// </summary>
        public static string? RemoteHost(IOperation value, ResilienceCompilation model)
            => RemoteHost(value, model, MaxHops, new HashSet<ISymbol>(SymbolEqualityComparer.Default));

        private static string? RemoteHost(IOperation value, ResilienceCompilation model, int hops, HashSet<ISymbol> visited)
        {
            value = Unwrap.Conversions(value);
            if (Namespaces.IsType(value.Type, "System.Net", "IPEndPoint"))
            {
                return null;
            }

            switch (value)
            {
                case IObjectCreationOperation created:
                    return Namespaces.IsType(created.Type, "System.Net", "DnsEndPoint") && HostNames.HostArgument(created.Arguments) is { } host
                        ? HostNames.DescribeRemote(host)
                        : null;
                case IConditionalOperation conditional:
                    return RemoteHost(conditional.WhenTrue, model, hops, visited)
                        ?? (conditional.WhenFalse is { } whenFalse ? RemoteHost(whenFalse, model, hops, visited) : null);
                case ICoalesceOperation coalesce:
                    return RemoteHost(coalesce.Value, model, hops, visited) ?? RemoteHost(coalesce.WhenNull, model, hops, visited);
            }

            if (hops == 0)
            {
                return null;
            }

            switch (value)
            {
                case ILocalReferenceOperation local when StringValue.InitializerOf(local) is { } initializer:
                    return RemoteHost(initializer, model, hops - 1, visited);
                case IParameterReferenceOperation parameter when parameter.Parameter.ContainingSymbol is IMethodSymbol method && visited.Add(parameter.Parameter.OriginalDefinition):
                    return FirstHost(Passed(method, parameter.Parameter, model), model, hops - 1, visited);
                case IMemberReferenceOperation member when (member.Member is IFieldSymbol || member.Member is IPropertySymbol) && visited.Add(member.Member.OriginalDefinition):
                    return FirstHost(model.ValueSources.AssignedTo(member.Member), model, hops - 1, visited);
                default:
                    return null;
            }
        }

        /// <summary>
        /// The code runs only when a value is a <c>DnsEndPoint</c> that never is one: it sits in the true branch of
        /// <c>if (endPoint is DnsEndPoint …)</c> where <c>endPoint</c> is a local, never reassigned, whose initializer builds
        /// an end point of another type on every path (FreeRedis' connect keeps a timeout message's lookup for a
        /// <c>DnsEndPoint</c> it no longer builds, unseen DNS survey set). Only a local is judged: what reaches a parameter or
        /// member is not known from here.
        /// </summary>
        public static bool InBranchNeverTaken(IOperation operation)
        {
            IOperation child = operation;
            for (var parent = operation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation || parent is IMethodBodyOperation)
                {
                    return false;
                }

                if (parent is IConditionalOperation conditional && conditional.WhenTrue == child
                    && TestedForDnsEndPoint(conditional.Condition) is ILocalReferenceOperation local
                    && StringValue.InitializerOf(local) is { } initializer
                    && NeverDnsEndPoint(initializer))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>x is DnsEndPoint</c> or <c>x is DnsEndPoint d</c> → <c>x</c>.</summary>
        private static IOperation? TestedForDnsEndPoint(IOperation condition)
            => Unwrap.Conversions(condition) switch
            {
                IIsTypeOperation test when Namespaces.IsType(test.TypeOperand, "System.Net", "DnsEndPoint") => Unwrap.Conversions(test.ValueOperand),
                IIsPatternOperation { Pattern: IDeclarationPatternOperation declared } pattern when Namespaces.IsType(declared.MatchedType, "System.Net", "DnsEndPoint") => Unwrap.Conversions(pattern.Value),
                IIsPatternOperation { Pattern: ITypePatternOperation typed } pattern when Namespaces.IsType(typed.MatchedType, "System.Net", "DnsEndPoint") => Unwrap.Conversions(pattern.Value),
                _ => null,
            };

        /// <summary>Every value <paramref name="value"/> can be is a new object of a type other than <c>DnsEndPoint</c> (through <c>?:</c> and casts).</summary>
        private static bool NeverDnsEndPoint(IOperation value)
            => Unwrap.Conversions(value) switch
            {
                IObjectCreationOperation created => created.Type != null && !Namespaces.IsOrDerivesFrom(created.Type, "System.Net", "DnsEndPoint"),
                IConditionalOperation { WhenFalse: { } whenFalse } conditional => NeverDnsEndPoint(conditional.WhenTrue) && NeverDnsEndPoint(whenFalse),
                _ => false,
            };

        /// <summary>What callers pass for <paramref name="parameter"/>: call sites from the caller index, constructions from the value sources.</summary>
        private static IEnumerable<IOperation> Passed(IMethodSymbol method, IParameterSymbol parameter, ResilienceCompilation model)
        {
            if (method.MethodKind == MethodKind.Constructor)
            {
                foreach (var value in model.ValueSources.PassedTo(method, parameter))
                {
                    yield return value;
                }

                yield break;
            }

            foreach (var site in model.Callers.SitesOf(method))
            {
                if (CallerArguments.ValueAt(site, parameter) is { } value)
                {
                    yield return value;
                }
            }
        }

        private static string? FirstHost(IEnumerable<IOperation> values, ResilienceCompilation model, int hops, HashSet<ISymbol> visited)
        {
            foreach (var value in values)
            {
                if (RemoteHost(value, model, hops, visited) is string host)
                {
                    return host;
                }
            }

            return null;
        }
    }
}
