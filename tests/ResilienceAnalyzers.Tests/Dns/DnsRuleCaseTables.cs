using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ResilienceAnalyzers.Dns;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Dns
{
    /// <summary>
    /// RES2002 (DnsClient without a stale fallback) and RES2003 (host-name connects, turned on here) as tables of
    /// one-line cases: what is flagged and what stays silent. Read a table as the rule's documentation.
    /// </summary>
    public class DnsRuleCaseTables
    {
        private const string Template = """
            using System;
            using System.Net;
            using System.Net.Sockets;
            using System.Threading;
            using System.Threading.Tasks;
            using DnsClient;

            class Exporter
            {
                LookupClient lookup = null!;
                ILookupClient ilookup = null!;
                IDnsQuery query = null!;
                TcpClient tcp = new TcpClient();
                Socket socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                UdpClient udp = new UdpClient();
                string host = "collector.monitoring.svc";
                IPAddress[] addresses = Array.Empty<IPAddress>();
                IDnsQueryResponse? last;
                CancellationToken ct;

                async Task Run()
                {
                    CASE
                }
            }
            """;

        private static async Task Check<TAnalyzer>(string snippet, bool flagged, params (string, string)[] config)
            where TAnalyzer : DiagnosticAnalyzer, new()
        {
            var test = new AnalyzerTest<TAnalyzer>(Template.Replace("CASE", snippet), Client.None, config);
            test.TestState.AdditionalReferences.Add(References.DnsClient);
            test.CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.Errors;
            if (flagged)
            {
                test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(new TAnalyzer().SupportedDiagnostics[0].Id, DiagnosticSeverity.Info).WithLocation(0));
            }

            await test.RunAsync();
        }

        [Theory]
        [InlineData("await lookup.{|#0:QueryAsync|}(host, QueryType.A);", true)]
        [InlineData("lookup.{|#0:Query|}(\"db.default.svc\", QueryType.AAAA);", true)]
        [InlineData("await ilookup.{|#0:QueryAsync|}(host, QueryType.SRV, QueryClass.IN, ct);", true)]
        [InlineData("await query.{|#0:QueryAsync|}(new DnsQuestion(host, QueryType.A));", true)]
        [InlineData("lookup.{|#0:QueryServer|}(new[] { IPAddress.Parse(\"10.96.0.10\") }, host, QueryType.A);", true)]
        [InlineData("await query.{|#0:GetHostEntryAsync|}(host);", true)]
        [InlineData("query.{|#0:GetHostEntry|}(\"cache.default.svc\");", true)]
        [InlineData("await query.{|#0:ResolveServiceAsync|}(\"default.svc.cluster.local\", \"grpc\");", true)]
        [InlineData("while (true) { await lookup.{|#0:QueryAsync|}(host, QueryType.A); await Task.Delay(1000); }", true)]
        [InlineData("await lookup.{|#0:QueryAsync|}(query: host, queryType: QueryType.A);", true)]
        [InlineData("await lookup?.{|#0:QueryAsync|}(host, QueryType.A)!;", true)]
        [InlineData("await lookup.QueryReverseAsync(IPAddress.Loopback);", false)]
        [InlineData("lookup.Query(\"localhost\", QueryType.A);", false)]
        [InlineData("lookup.Query(\"127.0.0.1\", QueryType.A);", false)]
        [InlineData("try { last = await lookup.QueryAsync(host, QueryType.A); } catch (DnsResponseException) { }", false)]
        [InlineData("try { last = lookup.Query(host, QueryType.A); } catch (Exception) { /* keep last */ }", false)]
        [InlineData("var settings = new LookupClientOptions { UseCache = true }; _ = settings;", false)]
        public Task RES2002_dnsclient_without_stale(string snippet, bool flagged) => Check<RES2002DnsClientWithoutStaleAnalyzer>(snippet, flagged);

        [Theory]
        [InlineData("using var c = {|#0:new TcpClient(host, 4317)|};", true)]
        [InlineData("using var c = {|#0:new System.Net.Sockets.TcpClient(\"otel.monitoring.svc\", 4317)|};", true)]
        [InlineData("using UdpClient c = {|#0:new(host, 8125)|};", true)]
        [InlineData("await tcp.{|#0:ConnectAsync|}(host, 4317);", true)]
        [InlineData("await tcp.{|#0:ConnectAsync|}(host, 4317, ct);", true)]
        [InlineData("tcp.{|#0:Connect|}(host, 4317);", true)]
        [InlineData("tcp.{|#0:Connect|}(port: 4317, hostname: host);", true)]
        [InlineData("await socket.{|#0:ConnectAsync|}(host, 53);", true)]
        [InlineData("socket.{|#0:Connect|}(host, 53);", true)]
        [InlineData("udp.{|#0:Connect|}(host, 8125);", true)]
        [InlineData("await socket.{|#0:ConnectAsync|}(new DnsEndPoint(host, 53));", true)]
        [InlineData("socket.{|#0:BeginConnect|}(new DnsEndPoint(\"redis.default.svc\", 6379), null, null);", true)]
        [InlineData("tcp.{|#0:BeginConnect|}(host, 4317, null, null);", true)]
        [InlineData("await socket.ConnectAsync(new DnsEndPoint(\"localhost\", 53));", false)]
        [InlineData("while (!ct.IsCancellationRequested) { try { await tcp.{|#0:ConnectAsync|}(host, 4317, ct); } catch (SocketException) { } }", true)]
        [InlineData("await tcp.ConnectAsync(addresses, 4317);", false)]
        [InlineData("await tcp.ConnectAsync(IPAddress.Loopback, 4317);", false)]
        [InlineData("await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, 53));", false)]
        [InlineData("tcp.Connect(\"127.0.0.1\", 4317);", false)]
        [InlineData("tcp.Connect(\"localhost\", 4317);", false)]
        [InlineData("tcp.Connect(\"::1\", 4317);", false)]
        [InlineData("using var c = new TcpClient(AddressFamily.InterNetworkV6);", false)]
        [InlineData("using var c = new UdpClient(8125);", false)]
        public Task RES2003_host_name_connect(string snippet, bool flagged)
            => Check<RES2003HostNameConnectAnalyzer>(snippet, flagged, Config.EditorConfig("dotnet_diagnostic.RES2003.severity = suggestion"));
    }
}
