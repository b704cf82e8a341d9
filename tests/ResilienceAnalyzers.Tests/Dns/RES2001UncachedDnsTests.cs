using System.Threading.Tasks;
using ResilienceAnalyzers.Dns;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;
using Verify = ResilienceAnalyzers.Tests.Infrastructure.AnalyzerTest<ResilienceAnalyzers.Dns.RES2001UncachedDnsAnalyzer>;

namespace ResilienceAnalyzers.Tests.Dns
{
    /// <summary>RES2001: System.Net.Dns lookups with no stale-serving cache.</summary>
    public class RES2001UncachedDnsTests
    {
        [Fact]
        public async Task Lookup_in_a_loop_on_every_node_warns_with_the_failure_window()
        {
            const string source = """
                using System;
                using System.Net;
                using System.Threading;
                using System.Threading.Tasks;

                class Sender
                {
                    async Task Run(string host, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var addresses = await Dns.{|#0:GetHostAddressesAsync|}(host, ct);
                            await Task.Delay(1000, ct);
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.None, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Message(
                RES2001UncachedDnsAnalyzer.Rule,
                "Dns.GetHostAddressesAsync resolves host with no cache on every pass of a while loop: each call queries DNS and fails as soon as DNS does; "
                + "cluster DNS depends on the control plane and stock CoreDNS/NodeLocal DNSCache keep answers only 30 s without serving stale, "
                + "so 30 s into a DNS outage every lookup from 1,000 copies fails (<ResilienceWorkload> = DaemonSet); "
                + "resolve through Resilience.Dns.CachedDns, which serves the last good answer (RFC 8767)"));
            await test.RunAsync();
        }

        [Theory]
        // Kept through a local in an array slot a timer captures (MySqlConnector's address-change check), a cache entry's
        // property, a dictionary slot, an object initializer of a kept entry (FreeRedis' resolver): the catch keeps the old answer.
        [InlineData("var found = await Dns.GetHostAddressesAsync(host); kept[0] = found;", false)]
        [InlineData("var found = await Dns.GetHostAddressesAsync(host).ConfigureAwait(false); entry.Addresses = found;", false)]
        [InlineData("var found = await Dns.GetHostAddressesAsync(host); cache[host] = new Entry { Addresses = found };", false)]
        [InlineData("IPAddress[] found; found = await Dns.GetHostAddressesAsync(host); cache[host] = new Entry { Addresses = found };", false)]
        // Twins: read, not kept; kept only in a local; kept, but the catch rethrows.
        [InlineData("var found = await Dns.{|#0:GetHostAddressesAsync|}(host); Console.WriteLine(found.Length);", true)]
        [InlineData("var found = await Dns.{|#0:GetHostAddressesAsync|}(host); var copy = found;", true)]
        public async Task A_lookup_whose_answer_is_kept_through_a_local_and_whose_failure_is_swallowed_keeps_the_last_good_answer(string body, bool flagged)
        {
            string source = """
                using System;
                using System.Collections.Generic;
                using System.Net;
                using System.Threading;
                using System.Threading.Tasks;

                class Entry { public IPAddress[] Addresses { get; set; } = Array.Empty<IPAddress>(); }

                class Checker
                {
                    private readonly Dictionary<string, Entry> cache = new Dictionary<string, Entry>();

                    async Task Run(string host, Entry entry, CancellationToken ct)
                    {
                        var kept = new IPAddress[1][];
                        while (!ct.IsCancellationRequested)
                        {
                            try
                            {
                                BODY
                            }
                            catch (Exception)
                            {
                                // keep the previous answer
                            }

                            await Task.Delay(60000, ct);
                        }
                    }
                }
                """.Replace("BODY", body);
            var test = new Verify(source, Client.None, Config.DaemonSet());
            if (flagged)
            {
                test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2001UncachedDnsAnalyzer.Rule, 0));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task A_lookup_kept_through_a_local_but_rethrown_is_flagged()
        {
            const string source = """
                using System;
                using System.Net;
                using System.Threading;
                using System.Threading.Tasks;

                class Checker
                {
                    private IPAddress[] last = Array.Empty<IPAddress>();

                    async Task Run(string host, CancellationToken ct)
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            try
                            {
                                var found = await Dns.{|#0:GetHostAddressesAsync|}(host);
                                last = found;
                            }
                            catch (Exception)
                            {
                                throw;
                            }

                            await Task.Delay(60000, ct);
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.None, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2001UncachedDnsAnalyzer.Rule, 0));
            await test.RunAsync();
        }

        [Fact]
        public async Task Every_lookup_form_is_recognized_and_a_one_off_lookup_is_a_suggestion()
        {
            const string source = """
                #pragma warning disable CS0618 // the obsolete forms are flagged too
                using System;
                using System.Net;

                class C
                {
                    void Run()
                    {
                        Dns.{|#0:GetHostEntry|}("collector.monitoring.svc");
                        Dns.{|#1:GetHostAddresses|}("collector.monitoring.svc");
                        Dns.{|#2:GetHostEntryAsync|}("collector.monitoring.svc");
                        Dns.{|#3:BeginGetHostAddresses|}("collector.monitoring.svc", null, null);
                        Dns.{|#4:GetHostByName|}("collector.monitoring.svc");
                        Dns.{|#5:Resolve|}("collector.monitoring.svc");
                    }
                }
                """;
            var test = new Verify(source, Client.None);
            for (int i = 0; i < 6; i++)
            {
                test.ExpectedDiagnostics.Add(Expect.Info(RES2001UncachedDnsAnalyzer.Rule, i));
            }

            await test.RunAsync();
        }

        [Fact]
        public async Task Literals_localhost_own_name_reverse_lookups_and_the_cache_itself_are_silent()
        {
            const string source = """
                using System.Net;

                class C
                {
                    void Run(IPAddress address)
                    {
                        Dns.GetHostAddresses("127.0.0.1");
                        Dns.GetHostAddresses("::1");
                        Dns.GetHostAddresses("localhost");
                        Dns.GetHostAddresses("api.localhost");
                        Dns.GetHostEntry(Dns.GetHostName());
                        Dns.GetHostEntry(address);
                        Dns.GetHostName();
                    }
                }

                namespace Resilience.Dns
                {
                    class SystemBackend
                    {
                        object Lookup(string host) => System.Net.Dns.GetHostAddresses(host);
                    }
                }

                class CachedDnsResolver
                {
                    object Lookup(string host) => Dns.GetHostAddresses(host);
                }
                """;
            await new Verify(source, Client.None, Config.DaemonSet()).RunAsync();
        }

        /// <summary>
        /// A value named as an IP address (a pod's or service's IP, a local <c>podIp</c>, an <c>IPAddress</c> as text) is
        /// parsed, not looked up (the third unseen survey set: GZCTF's proxy resolves a container's ClusterIP); a value
        /// named as a host still warns.
        /// </summary>
        [Fact]
        public async Task Values_named_as_IP_addresses_are_silent_host_names_are_not()
        {
            const string source = """
                using System.Net;
                using System.Threading.Tasks;
                using k8s.Models;

                class Container
                {
                    public string IP { get; set; } = "";
                    public string Host { get; set; } = "";
                }

                class Proxy
                {
                    async Task Run(Container container, V1Pod pod, V1Service service, IPAddress address)
                    {
                        while (true)
                        {
                            string podIp = pod.Status.PodIP;
                            await Dns.GetHostAddressesAsync(container.IP);
                            await Dns.GetHostAddressesAsync(pod.Status.PodIP);
                            await Dns.GetHostAddressesAsync(service.Spec.ClusterIP);
                            await Dns.GetHostAddressesAsync(podIp);
                            await Dns.GetHostAddressesAsync(address.ToString());
                            await Dns.{|#0:GetHostAddressesAsync|}(container.Host);
                            await Task.Delay(1000);
                        }
                    }
                }
                """;
            var test = new Verify(source, Client.V21, Config.DaemonSet());
            test.ExpectedDiagnostics.Add(Expect.Diagnostic(RES2001UncachedDnsAnalyzer.Rule, 0));
            await test.RunAsync();
        }

        /// <summary>
        /// FreeRedis' shape (unseen DNS survey set): a timeout message's lookup kept for a <c>DnsEndPoint</c> the connect no
        /// longer builds — the local is an <c>IPEndPoint</c> on every path, so the branch never runs. The twin still builds a
        /// <c>DnsEndPoint</c> on one path: the lookup can run.
        /// </summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_lookup_for_a_DnsEndPoint_the_local_never_holds_is_silent(bool mayBeDnsEndPoint)
        {
            string source = """
                using System;
                using System.Net;
                using System.Net.Sockets;

                static class Resolver
                {
                    public static IPAddress Resolve(string host) => IPAddress.Loopback;
                }

                class RedisSocket
                {
                    private readonly string _host = "redis.default.svc";
                    private readonly int _port = 6379;

                    public void Connect()
                    {
                        EndPoint endpoint = IPAddress.TryParse(_host, out var address)
                            ? (EndPoint)new IPEndPoint(address, _port)
                            : OTHER;
                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                        var result = socket.BeginConnect(endpoint, null, null);
                        if (!result.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5), true))
                        {
                            var detail = "";
                            if (endpoint is DnsEndPoint)
                            {
                                try { detail = $", resolved {Dns.{|#0:GetHostEntry|}(_host)}"; }
                                catch (Exception ex) { detail = ex.Message; }
                            }

                            throw new TimeoutException("Connect to " + endpoint + " timed out" + detail);
                        }

                        socket.EndConnect(result);
                    }
                }
                """.Replace("OTHER", mayBeDnsEndPoint ? "(EndPoint)new DnsEndPoint(_host, _port)" : "(EndPoint)new IPEndPoint(Resolver.Resolve(_host), _port)");
            var test = new AnalyzerTest<RES2001UncachedDnsAnalyzer>(source, Client.None);
            if (mayBeDnsEndPoint)
            {
                test.ExpectedDiagnostics.Add(Expect.Info(RES2001UncachedDnsAnalyzer.CallerRule, 0));
            }

            await test.RunAsync();
        }
}
}
