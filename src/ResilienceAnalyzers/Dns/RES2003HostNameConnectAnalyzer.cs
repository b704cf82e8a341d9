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
    /// RES2003 (off by default): connects by host name — <c>new TcpClient(host, port)</c>,
    /// <c>TcpClient.Connect[Async](host, port)</c>, <c>Socket.Connect[Async](host, port)</c>,
    /// <c>new UdpClient(host, port)</c>, <c>UdpClient.Connect(host, port)</c> — resolve through the system
    /// resolver on every call. Off by default because it is noisy on code where a connection is made once.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RES2003HostNameConnectAnalyzer : ResilienceAnalyzer
    {
        internal static readonly DiagnosticDescriptor Rule = Descriptors.Create(
            RuleIdentifiers.HostNameConnect,
            title: "Host-name connect that resolves on every call",
            messageFormat: "{0} connects to {1} by name: it resolves through the system resolver (no cache) on every call, so reconnects fail as soon as DNS does: {2}; resolve through Resilience.Dns.CachedDns and connect to the addresses",
            RuleCategories.Dns,
            DiagnosticSeverity.Info,
            description: "TcpClient, UdpClient and Socket connects that take a host name call the system resolver each time; during a DNS outage every reconnect fails even though the peer is reachable.",
            isEnabledByDefault: false);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        private protected override string RuleId => RuleIdentifiers.HostNameConnect;

        // System.Net.Sockets is always there.
        private protected override bool AppliesTo(ResilienceCompilation model) => true;

        private protected override ImmutableArray<OperationKind> ObservedKinds { get; } = ImmutableArray.Create(OperationKind.Invocation, OperationKind.ObjectCreation);

        private protected override bool MayMatch(SyntaxNode syntax)
            => syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
                ? !(CalledNames.Method(syntax) is string called) || called == "Connect" || called == "ConnectAsync"
                : !(CalledNames.CreatedType(syntax) is string created) || SocketTypes.Contains(created);

        private static readonly ImmutableHashSet<string> SocketTypes = ImmutableHashSet.Create("TcpClient", "UdpClient", "Socket");

        private protected override void AnalyzeOperation(OperationAnalysisContext context, RuleRun run)
        {
            var syntax = context.Operation.Syntax;
            IMethodSymbol? method;
            ImmutableArray<IArgumentOperation> arguments;
            Location location;
            switch (context.Operation)
            {
                case IInvocationOperation invocation when invocation.TargetMethod.Name == "Connect" || invocation.TargetMethod.Name == "ConnectAsync":
                    method = invocation.TargetMethod;
                    arguments = invocation.Arguments;
                    location = Locations.MethodName(invocation);
                    break;
                case IObjectCreationOperation creation:
                    method = creation.Constructor;
                    arguments = creation.Arguments;
                    location = creation.Syntax.GetLocation();
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
                || method.Parameters.Length < 2
                || method.Parameters[0].Type.SpecialType != SpecialType.System_String
                || method.Parameters[1].Type.SpecialType != SpecialType.System_Int32
                || arguments.Length < 2
                || HostNames.IsInsideCachingResolver(context.ContainingSymbol))
            {
                return;
            }

            string? host = HostNames.HostArgument(arguments) is { } hostArgument ? HostNames.DescribeRemote(hostArgument) : null;
            if (host == null)
            {
                return;
            }

            string what = method.MethodKind == MethodKind.Constructor ? "new " + type.Name : type.Name + "." + method.Name;
            var fanOut = run.Model.FanOut.Resolve(context.ContainingSymbol, syntax.SyntaxTree);
            context.ReportDiagnostic(Diagnostic.Create(Rule, location, what, host, RES2001UncachedDnsAnalyzer.OutageConsequence(fanOut, "reconnect")));
        }
    }
}
