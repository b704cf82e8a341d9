using System.Threading.Tasks;
using ResilienceAnalyzers.Dns;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Fix = ResilienceAnalyzers.Tests.Infrastructure.FixTest<ResilienceAnalyzers.Dns.RES2001UncachedDnsAnalyzer, ResilienceAnalyzers.CodeFixes.Dns.RES2001UseCachedDnsFixer>;

namespace ResilienceAnalyzers.Tests.Dns
{
    /// <summary>RES2001 → CachedDns, compiled against the real Resilience.Dns.</summary>
    public class RES2001FixTests
    {
        [Fact]
        public async Task Every_form_is_routed_through_CachedDns_and_the_using_is_added_once()
        {
            const string source = """
                #pragma warning disable CS0618
                using System.Net;
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;

                class Sender
                {
                    async Task Send(string host, CancellationToken ct)
                    {
                        IPAddress[] addresses = await Dns.{|#0:GetHostAddressesAsync|}(host, ct);
                        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                        await socket.ConnectAsync(addresses, 4317, ct);
                        IPHostEntry entry = System.Net.Dns.{|#1:GetHostEntry|}(host);
                        IPHostEntry old = Dns.{|#2:GetHostByName|}(host);
                        Dns.{|#3:BeginGetHostAddresses|}(host, null, null);
                    }
                }
                """;
            const string fixedSource = """
                #pragma warning disable CS0618
                using System.Net;
                using System.Net.Sockets;
                using System.Threading;
                using System.Threading.Tasks;
                using Resilience.Dns;

                class Sender
                {
                    async Task Send(string host, CancellationToken ct)
                    {
                        IPAddress[] addresses = await CachedDns.GetHostAddressesAsync(host, ct);
                        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                        await socket.ConnectAsync(addresses, 4317, ct);
                        IPHostEntry entry = CachedDns.GetHostEntry(host);
                        IPHostEntry old = CachedDns.GetHostEntry(host);
                        Dns.{|#3:BeginGetHostAddresses|}(host, null, null);
                    }
                }
                """;
            var test = new Fix(source, fixedSource, Client.None);
            test.TestState.AdditionalReferences.Add(References.ResilienceDns);
            test.FixedState.AdditionalReferences.Add(References.ResilienceDns);
            for (int i = 0; i < 4; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2001UncachedDnsAnalyzer.Rule, i));
            }

            test.FixedState.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2001UncachedDnsAnalyzer.Rule, 3));
            await test.RunAsync();
        }

        [Fact]
        public async Task No_fix_without_Resilience_Dns()
        {
            const string source = """
                using System.Net;

                class C
                {
                    void Run(string host) => Dns.{|#0:GetHostAddresses|}(host);
                }
                """;
            var test = new Fix(source, source, Client.None);
            test.ExpectedDiagnostics.Add(Expect.Info(RES2001UncachedDnsAnalyzer.Rule));
            await test.RunAsync();
        }
    }
}
