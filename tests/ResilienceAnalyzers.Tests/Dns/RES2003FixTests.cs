using System.Threading.Tasks;
using ResilienceAnalyzers.Dns;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Dns.RES2003HostNameConnectAnalyzer, ResilienceAnalyzers.CodeFixes.Dns.RES2003ConnectThroughCachedDnsFixer>;

namespace ResilienceAnalyzers.Tests.Dns
{
    /// <summary>RES2003 → connect to the addresses CachedDns resolves, compiled against the real Resilience.Dns.</summary>
    public class RES2003FixTests
    {
        private static readonly (string, string) Enabled = Config.EditorConfig("dotnet_diagnostic.RES2003.severity = suggestion");

        private static Fix WithRuntime(string source, string fixedSource)
        {
            var test = new Fix(source, fixedSource, Client.None, Enabled);
            test.TestState.AdditionalReferences.Add(References.ResilienceDns);
            test.FixedState.AdditionalReferences.Add(References.ResilienceDns);
            return test;
        }

        [Fact]
        public async Task Socket_and_TcpClient_connects_take_the_cached_addresses_keeping_port_token_and_result()
        {
            const string source = """
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;

                class Exporter
                {
                    async Task<bool> Connect(string host, Socket socket, CancellationToken ct)
                    {
                        using var tcp = new TcpClient();
                        await tcp.{|#0:ConnectAsync|}(host, 4317, ct);
                        await socket.{|#1:ConnectAsync|}("collector.monitoring.svc", 4318);
                        socket.{|#2:Connect|}(host /* collector */, 53);
                        return tcp.Connected;
                    }
                }
                """;
            const string fixedSource = """
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;
                using Resilience.Dns;

                class Exporter
                {
                    async Task<bool> Connect(string host, Socket socket, CancellationToken ct)
                    {
                        using var tcp = new TcpClient();
                        await tcp.ConnectAsync(await CachedDns.GetHostAddressesAsync(host, ct), 4317, ct);
                        await socket.ConnectAsync(await CachedDns.GetHostAddressesAsync("collector.monitoring.svc"), 4318);
                        socket.Connect(CachedDns.GetHostAddresses(host) /* collector */, 53);
                        return tcp.Connected;
                    }
                }
                """;
            var test = WithRuntime(source, fixedSource);
            for (int i = 0; i < 3; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Info(RES2003HostNameConnectAnalyzer.Rule, i));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task No_fix_where_the_result_would_not_compile_or_there_is_no_address_overload()
        {
            const string source = """
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class Exporter
                {
                    private readonly object gate = new object();

                    Task Connect(string host, TcpClient tcp, UdpClient udp)
                    {
                        using var direct = {|#0:new TcpClient(host, 4317)|};
                        udp.{|#1:Connect|}(host, 8125);
                        tcp.{|#2:Connect|}(port: 4317, hostname: host);
                        return tcp.{|#3:ConnectAsync|}(host, 4317);
                    }

                    async Task Locked(string host, Socket socket)
                    {
                        lock (gate)
                        {
                            socket.{|#4:ConnectAsync|}(host, 53).GetAwaiter().GetResult();
                        }

                        await Task.Yield();
                    }
                }
                """;
            var test = WithRuntime(source, source);
            for (int i = 0; i < 5; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Info(RES2003HostNameConnectAnalyzer.Rule, i));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task Qualified_and_target_typed_creations_are_flagged_without_a_fix()
        {
            // The analyzer reads the created type's name from syntax first; a target-typed new() names none.
            const string source = """
                using System.Net.Sockets;

                class Exporter
                {
                    void Connect(string host)
                    {
                        using var qualified = {|#0:new System.Net.Sockets.TcpClient(host, 4317)|};
                        using UdpClient targetTyped = {|#1:new(host, 8125)|};
                        using var aliased = {|#2:new global::System.Net.Sockets.TcpClient(host, 4318)|};
                    }
                }
                """;
            var test = WithRuntime(source, source);
            for (int i = 0; i < 3; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Info(RES2003HostNameConnectAnalyzer.Rule, i));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task No_fix_without_Resilience_Dns()
        {
            const string source = """
                using System.Net.Sockets;

                class Exporter
                {
                    void Connect(string host, Socket socket) => socket.{|#0:Connect|}(host, 53);
                }
                """;
            var test = new Fix(source, source, Client.None, Enabled);
            test.ExpectedDiagnostics.Add(Expect.Info(RES2003HostNameConnectAnalyzer.Rule));
            await test.RunAsync();
        }

        [Fact]
        public async Task An_async_lambda_gets_the_awaited_lookup()
        {
            const string source = """
                using System;
                using System.Net.Sockets;
                using System.Threading.Tasks;

                class Exporter
                {
                    Func<Task> Reconnect(string host, Socket socket) => async () => await socket.{|#0:ConnectAsync|}(host, 4317);
                }
                """;
            const string fixedSource = """
                using System;
                using System.Net.Sockets;
                using System.Threading.Tasks;
                using Resilience.Dns;

                class Exporter
                {
                    Func<Task> Reconnect(string host, Socket socket) => async () => await socket.ConnectAsync(await CachedDns.GetHostAddressesAsync(host), 4317);
                }
                """;
            var test = WithRuntime(source, fixedSource);
            test.ExpectedDiagnostics.Add(Expect.Info(RES2003HostNameConnectAnalyzer.Rule));
            await test.RunAsync();
        }
    }
}
