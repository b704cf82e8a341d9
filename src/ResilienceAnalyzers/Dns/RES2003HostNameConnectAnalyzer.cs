using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Configuration;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Dns
{
    /// <summary>
    /// RES2003: connects by host name — <c>new TcpClient(host, port)</c>, <c>TcpClient.[Begin]Connect[Async](host, port)</c>,
    /// <c>Socket.[Begin]Connect[Async](host, port)</c> or <c>(new DnsEndPoint(host, port))</c>, <c>new UdpClient(host, port)</c>,
    /// <c>UdpClient.Connect(host, port)</c> — resolve through the system resolver on every call. A warning where the connect
    /// repeats: in a loop, a timer, a per-request or per-message path, or a caller's retry or reconnect loop (issue 11: "a
    /// lookup or connect reached from a per-request or reconnect path is the warning"); a suggestion for a one-shot connect.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES2003HostNameConnectAnalyzer : ResilienceAnalyzer
    {
        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.HostNameConnect,
            title: "Host-name connect that resolves on every call",
            messageFormat: "{0} connects to {1} by name{2}: it resolves through the system resolver (no cache) on every call, so reconnects fail as soon as DNS does: {3}; resolve through Resilience.Dns.CachedDns and connect to the addresses",
            RuleCategories.Dns,
            DiagnosticSeverity.Warning,
            description: "TcpClient, UdpClient and Socket connects that take a host name call the system resolver each time; during a DNS outage every reconnect fails even though the peer is reachable. A warning where the connect repeats (loops, timers, requests, reconnect paths), a suggestion where it runs once.");

        /// <summary>The same rule judged at compilation end, with the caller whose loop, timer or reconnect path repeats the connect.</summary>
        internal static readonly DiagnosticDescriptor CallerRule = Descriptors.ForCallers(Rule);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, CallerRule);

        private protected override string RuleId => RuleIdentifiers.HostNameConnect;

        // System.Net.Sockets is always there.
        private protected override bool AppliesTo(ResilienceCompilation model) => true;

        private protected override ImmutableArray<OperationKind> ObservedKinds { get; } = ImmutableArray.Create(OperationKind.Invocation, OperationKind.ObjectCreation);

        private protected override bool MayMatch(SyntaxNode syntax)
            => syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
                ? !(CalledNames.Method(syntax) is string called) || called == "Connect" || called == "ConnectAsync" || called == "BeginConnect"
                : !(CalledNames.CreatedType(syntax) is string created) || SocketTypes.Contains(created);

        private static readonly HashSet<string> SocketTypes = Names.Set("TcpClient", "UdpClient", "Socket");

        private protected override void AnalyzeOperation(OperationAnalysisContext context, RuleRun run)
        {
            IMethodSymbol? method;
            ImmutableArray<IArgumentOperation> arguments;
            switch (context.Operation)
            {
                case IInvocationOperation invocation when invocation.TargetMethod.Name == "Connect" || invocation.TargetMethod.Name == "ConnectAsync" || invocation.TargetMethod.Name == "BeginConnect":
                    method = invocation.TargetMethod;
                    arguments = invocation.Arguments;
                    break;
                case IObjectCreationOperation creation:
                    method = creation.Constructor;
                    arguments = creation.Arguments;
                    break;
                default:
                    return;
            }

            var type = method?.ContainingType;
            if (method == null
                || type == null
                || !SocketTypes.Contains(type.Name)
                || !Namespaces.Is(type.ContainingNamespace?.ContainingNamespace, "System.Net")
                || type.ContainingNamespace?.Name != "Sockets"
                || method.Parameters.Length == 0
                || arguments.IsEmpty
                || HostNames.IsInsideCachingResolver(context.ContainingSymbol))
            {
                return;
            }

            string what = method.MethodKind == MethodKind.Constructor ? "new " + type.Name : type.Name + "." + method.Name;
            if (!(Remote(method, arguments) is string host))
            {
                // An EndPoint decided elsewhere (a parameter, an options property): whether a DnsEndPoint reaches it is
                // known only with the whole compilation's callers and assignments, so compilation end traces it.
                if (method.Parameters[0].Type.Name == "EndPoint" && HostNames.HostArgument(arguments) is { } endPoint && EndPoints.MayCarryHostName(endPoint)
                    && CallerScope(context.Operation, context.ContainingSymbol) is IMethodSymbol scope)
                {
                    run.Defer(context.Operation, scope, new Connect(what, endPoint));
                }

                return;
            }

            var connect = new Connect(what, host);
            var frequency = Periodicity.Of(context.Operation, callPages: false, run.Model);
            if (frequency.IsPeriodic)
            {
                var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, context.Operation.Syntax);
                context.ReportDiagnostic(Create(Rule, context.Operation, connect, " " + frequency.Describe(), fanOut, null));
            }
            else if (CallerScope(context.Operation, context.ContainingSymbol) is IMethodSymbol caller)
            {
                // One-shot here: a caller's loop, timer, handler or reconnect path decides (compilation end).
                run.Defer(context.Operation, caller, connect);
            }
        }

        private protected override void AnalyzeDeferred(Judgement judgement, DeferredCall deferred, RuleRun run)
        {
            var connect = (Connect)deferred.State!;
            if (connect.EndPoint != null)
            {
                // Traced once, with every caller and assignment of the compilation.
                if (!judgement.Final || !(EndPoints.RemoteHost(connect.EndPoint, run.Model) is string traced))
                {
                    return;
                }

                connect = new Connect(connect.What, HostNames.Written(connect.EndPoint) + " (a DnsEndPoint of " + traced + ")");
                var frequency = Periodicity.Of(deferred.Operation, callPages: false, run.Model);
                if (frequency.IsPeriodic)
                {
                    var ownFanOut = CallerFanOut.Resolve(run.Model, deferred.Method, deferred.Operation.Syntax, null);
                    judgement.Report(Create(CallerRule, deferred.Operation, connect, " " + frequency.Describe(), ownFanOut, null));
                    return;
                }
            }

            var chain = judgement.Chains.RepeatedAbove(deferred) ?? judgement.Chains.RetriedBy(deferred.Method);
            if (chain == null && !judgement.Final)
            {
                return;
            }

            string? where = chain == null ? null
                : chain.RetryLoop != null ? " on every reconnect attempt (" + chain.Describe(deferred.Method) + ")"
                : " " + chain.Frequency.Describe() + " (" + chain.Describe(deferred.Method) + ")";
            var fanOut = CallerFanOut.Resolve(run.Model, deferred.Method, deferred.Operation.Syntax, chain);
            judgement.Report(Create(judgement.Pick(Rule, CallerRule), deferred.Operation, connect, where, fanOut, chain?.Locations));
        }

        /// <summary>
        /// The remote host as the message shows it: the <c>(string host, int port, …)</c> overloads' first argument, or the
        /// host of a <c>new DnsEndPoint(host, port)</c> passed as the endpoint; null for addresses, IP literals, localhost,
        /// the machine's own name, and endpoints whose kind is not known here.
        /// </summary>
        private static string? Remote(IMethodSymbol method, ImmutableArray<IArgumentOperation> arguments)
        {
            var parameters = method.Parameters;
            if (parameters.Length >= 2 && parameters[0].Type.SpecialType == SpecialType.System_String && parameters[1].Type.SpecialType == SpecialType.System_Int32)
            {
                return HostNames.HostArgument(arguments) is { } host ? HostNames.DescribeRemote(host) : null;
            }

            if (parameters[0].Type.Name == "EndPoint" && HostNames.HostArgument(arguments) is { } endPoint
                && Unwrap.Conversions(endPoint) is IObjectCreationOperation created
                && created.Type?.Name == "DnsEndPoint" && Namespaces.Is(created.Type.ContainingNamespace, "System.Net"))
            {
                return HostNames.HostArgument(created.Arguments) is { } dnsHost ? HostNames.DescribeRemote(dnsHost) : null;
            }

            return null;
        }

        /// <summary>A warning on a repeated path (<paramref name="where"/> says which); a suggestion for a one-shot connect.</summary>
        private static Diagnostic Create(DiagnosticDescriptor descriptor, IOperation operation, Connect connect, string? where, FanOut fanOut, System.Collections.Generic.IEnumerable<Location>? chainLocations)
            => Diagnostic.Create(
                descriptor,
                operation is IObjectCreationOperation ? operation.Syntax.GetLocation() : Locations.MethodName(operation),
                where != null ? DiagnosticSeverity.Warning : DiagnosticSeverity.Info,
                additionalLocations: chainLocations,
                properties: null,
                connect.What,
                connect.Host,
                where ?? string.Empty,
                RES2001UncachedDnsAnalyzer.OutageConsequence(fanOut, "reconnect"));

        private sealed class Connect
        {
            public Connect(string what, string host)
            {
                What = what;
                Host = host;
            }

            /// <summary>A connect to an <c>EndPoint</c> decided elsewhere, to trace at compilation end.</summary>
            public Connect(string what, IOperation endPoint)
            {
                What = what;
                Host = string.Empty;
                EndPoint = endPoint;
            }

            public string What { get; }

            public string Host { get; }

            public IOperation? EndPoint { get; }
        }
    }
}
