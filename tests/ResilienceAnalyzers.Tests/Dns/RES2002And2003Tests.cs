using System.Threading.Tasks;
using ResilienceAnalyzers.Dns;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Dns
{
    /// <summary>RES2002 (DnsClient without stale fallback) and RES2003 (host-name connects; severity from the path).</summary>
    public class RES2002And2003Tests
    {
        [Fact]
        public async Task DnsClient_queries_are_a_suggestion()
        {
            const string source = """
                using System.Threading.Tasks;
                using DnsClient;

                class Discovery
                {
                    async Task Run(LookupClient client, IDnsQuery query)
                    {
                        await client.{|#0:QueryAsync|}("collector.monitoring.svc", QueryType.A);
                        query.{|#1:Query|}("db.default.svc", QueryType.AAAA);
                        await query.{|#2:GetHostEntryAsync|}("cache.default.svc");
                        await client.QueryReverseAsync(System.Net.IPAddress.Loopback);
                        client.Query("localhost", QueryType.A);
                    }
                }
                """;
            var test = new AnalyzerTest<RES2002DnsClientWithoutStaleAnalyzer>(source, Client.None);
            test.TestState.AdditionalReferences.Add(References.DnsClient);
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES2002DnsClientWithoutStaleAnalyzer.Rule,
                "QueryAsync queries \"collector.monitoring.svc\" through DnsClient: its cache drops an entry when the TTL expires, so once DNS is down a query past the TTL throws instead of returning the last answer; "
                + "resolve through Resilience.Dns.CachedDnsResolver with the DnsClient backend (Resilience.Dns.DnsClient), which serves stale (RFC 8767)"));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2002DnsClientWithoutStaleAnalyzer.Rule, 1));
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2002DnsClientWithoutStaleAnalyzer.Rule, 2));
            await test.RunAsync();
        }

        [Fact]
        public async Task DnsClient_query_that_keeps_the_last_good_answer_is_silent()
        {
            const string source = """
                using System;
                using System.Threading.Tasks;
                using DnsClient;

                class Discovery
                {
                    IDnsQueryResponse? last;

                    async Task Refresh(LookupClient client)
                    {
                        try
                        {
                            last = await client.QueryAsync("collector.monitoring.svc", QueryType.A);
                        }
                        catch (DnsResponseException)
                        {
                            // keep serving `last`
                        }
                    }
                }
                """;
            var test = new AnalyzerTest<RES2002DnsClientWithoutStaleAnalyzer>(source, Client.None);
            test.TestState.AdditionalReferences.Add(References.DnsClient);
            await test.RunAsync();
        }

        private const string ConnectSource = """
            using System.Net.Sockets;
            using System.Threading.Tasks;

            class Client
            {
                async Task Run(string host, Socket socket)
                {
                    using var tcp = {|#0:new TcpClient(host, 4317)|};
                    await tcp.{|#1:ConnectAsync|}("collector.monitoring.svc", 4317);
                    socket.{|#2:Connect|}(host, 53);
                    using var udp = {|#3:new UdpClient("statsd.monitoring.svc", 8125)|};
                    socket.Connect("127.0.0.1", 80);
                    await tcp.ConnectAsync("localhost", 80);
                }
            }
            """;

        [Fact]
        public async Task Host_name_connects_warn_where_a_caller_reconnects_and_suggest_where_they_run_once()
        {
            // On by default since issue 11: the path decides the severity. A driver's connect in one type, its reconnect
            // loop in another (NATS' ReconnectLoop, RabbitMQ's recovery loop), a one-shot connect at start-up.
            const string source = """
                using System.Net;
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;

                class Transport
                {
                    public async Task OpenAsync(string host, int port, CancellationToken ct)
                    {
                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                        await socket.{|#0:ConnectAsync|}(new DnsEndPoint(host, port), ct);
                    }

                    public void OpenOnce(string host) => new Socket(SocketType.Stream, ProtocolType.Tcp).{|#2:BeginConnect|}(host, 4222, null, null);
                }

                class Connection
                {
                    private readonly Transport transport = new Transport();

                    public async Task ReconnectLoopAsync(string host, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            try
                            {
                                await transport.{|#1:OpenAsync|}(host, 4222, ct);
                                return;
                            }
                            catch (SocketException)
                            {
                                await Task.Delay(2000, ct);
                            }
                        }
                    }

                    public void Start(string host) => transport.OpenOnce(host);
                }
                """;
            var test = new AnalyzerTest<RES2003HostNameConnectAnalyzer>(source, Client.None);
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2003HostNameConnectAnalyzer.CallerRule, 0).WithLocation(1).WithMessage(
                "Socket.ConnectAsync connects to host by name on every reconnect attempt (Connection.ReconnectLoopAsync (Test0.cs:27) → Transport.OpenAsync): it resolves through the system resolver (no cache) on every call, "
                + "so reconnects fail as soon as DNS does: 30 s into a DNS outage every reconnect fails; resolve through Resilience.Dns.CachedDns and connect to the addresses"));
            test.ExpectedDiagnostics.Add(Expect.Info(RES2003HostNameConnectAnalyzer.CallerRule, 2));
            await test.RunAsync();
        }

        /// <summary>
        /// MQTTnet's shape (unseen DNS survey set): the options builder keeps the configured server as a <c>DnsEndPoint</c>
        /// in an <c>EndPoint</c> field, copies it into the options' <c>RemoteEndpoint</c> property, and the socket wrapper
        /// connects to whatever <c>EndPoint</c> it is handed — on every reconnect. The twin keeps an <c>IPEndPoint</c> in the
        /// same members: no name to resolve.
        /// </summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task A_DnsEndPoint_carried_in_options_to_a_socket_connect_is_a_host_name_connect(bool hostName)
        {
            string source = """
                using System.Net;
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;

                class ChannelOptions
                {
                    public EndPoint RemoteEndpoint { get; set; }
                }

                class OptionsBuilder
                {
                    private EndPoint _remote;

                    public OptionsBuilder WithServer(string host, int port)
                    {
                        _remote = ENDPOINT;
                        return this;
                    }

                    public ChannelOptions Build()
                    {
                        var options = new ChannelOptions();
                        options.RemoteEndpoint = _remote;
                        return options;
                    }
                }

                class PlatformSocket
                {
                    private readonly Socket socket = new Socket(SocketType.Stream, ProtocolType.Tcp);

                    public Task ConnectAsync(EndPoint endPoint, CancellationToken ct) => socket.{|#0:ConnectAsync|}(endPoint, ct).AsTask();
                }

                class Channel
                {
                    private readonly ChannelOptions options;

                    public Channel(ChannelOptions options) => this.options = options;

                    public Task ConnectAsync(CancellationToken ct) => new PlatformSocket().{|#2:ConnectAsync|}(options.RemoteEndpoint, ct);
                }

                class Session
                {
                    public async Task KeepConnectedAsync(Channel channel, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            try
                            {
                                await channel.{|#1:ConnectAsync|}(ct);
                                return;
                            }
                            catch (SocketException)
                            {
                                await Task.Delay(5000, ct);
                            }
                        }
                    }
                }
                """.Replace("ENDPOINT", hostName ? "new DnsEndPoint(host, port)" : "new IPEndPoint(IPAddress.Parse(host), port)");
            var test = new AnalyzerTest<RES2003HostNameConnectAnalyzer>(source, Client.None);
            if (hostName)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2003HostNameConnectAnalyzer.CallerRule, 0).WithLocation(1).WithLocation(2).WithMessage(
                    "Socket.ConnectAsync connects to endPoint (a DnsEndPoint of host) by name on every reconnect attempt (Session.KeepConnectedAsync (Test0.cs:53) → Channel.ConnectAsync → PlatformSocket.ConnectAsync): it resolves through the system resolver (no cache) on every call, "
                    + "so reconnects fail as soon as DNS does: 30 s into a DNS outage every reconnect fails; resolve through Resilience.Dns.CachedDns and connect to the addresses"));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task Host_name_connects_are_flagged_when_enabled()
        {
            var test = new AnalyzerTest<RES2003HostNameConnectAnalyzer>(ConnectSource, Client.None, Config.EditorConfig("dotnet_diagnostic.RES2003.severity = suggestion"));
            for (int i = 0; i < 4; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Info(RES2003HostNameConnectAnalyzer.Rule, i));
            }

            test.ExpectedDiagnostics[1] = test.ExpectedDiagnostics[1].WithMessage(
                "TcpClient.ConnectAsync connects to \"collector.monitoring.svc\" by name: it resolves through the system resolver (no cache) on every call, so reconnects fail as soon as DNS does: "
                + "30 s into a DNS outage every reconnect fails; resolve through Resilience.Dns.CachedDns and connect to the addresses");
            await test.RunAsync();
        }

        [Fact]
        public async Task The_messages_state_the_configured_fan_out()
        {
            const string source = """
                using System.Net.Sockets;
                using System.Threading.Tasks;
                using DnsClient;

                class Exporter
                {
                    async Task Run(TcpClient tcp, LookupClient lookup)
                    {
                        await tcp.{|#0:ConnectAsync|}("otel.monitoring.svc", 4317);
                        await lookup.{|#1:QueryAsync|}("otel.monitoring.svc", QueryType.A);
                    }
                }
                """;
            var connects = new AnalyzerTest<RES2003HostNameConnectAnalyzer>(source, Client.None, Config.EditorConfig("dotnet_diagnostic.RES2003.severity = suggestion"), Config.DaemonSet(nodes: 5000));
            connects.TestState.AdditionalReferences.Add(References.DnsClient);
            connects.ExpectedDiagnostics.Add(Expect.Info(RES2003HostNameConnectAnalyzer.Rule, 0).WithMessage(
                "TcpClient.ConnectAsync connects to \"otel.monitoring.svc\" by name: it resolves through the system resolver (no cache) on every call, so reconnects fail as soon as DNS does: "
                + "30 s into a DNS outage every reconnect from 5,000 copies fails (<ResilienceWorkload> = DaemonSet); resolve through Resilience.Dns.CachedDns and connect to the addresses"));
            await connects.RunAsync();

            var queries = new AnalyzerTest<RES2002DnsClientWithoutStaleAnalyzer>(source, Client.None, Config.DaemonSet(nodes: 5000));
            queries.TestState.AdditionalReferences.Add(References.DnsClient);
            queries.ExpectedDiagnostics.Add(Expect.Info(RES2002DnsClientWithoutStaleAnalyzer.Rule, 1).WithMessage(
                "QueryAsync queries \"otel.monitoring.svc\" through DnsClient: its cache drops an entry when the TTL expires, so once DNS is down a query past the TTL throws instead of returning the last answer, "
                + "from 5,000 copies at once (<ResilienceWorkload> = DaemonSet); resolve through Resilience.Dns.CachedDnsResolver with the DnsClient backend (Resilience.Dns.DnsClient), which serves stale (RFC 8767)"));
            await queries.RunAsync();
        }
    }
}
