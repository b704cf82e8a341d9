// ValidCode: DNS done the way RES2001–RES2003 ask.
using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Resilience.Dns;

namespace ValidCode
{
    public sealed class Sender
    {
        private readonly string collector = Environment.GetEnvironmentVariable("COLLECTOR_HOST") ?? "collector.monitoring.svc";
        private IPAddress[] lastGood = Array.Empty<IPAddress>();

        public async Task SendAsync(byte[] payload, CancellationToken ct)
        {
            IPAddress[] addresses = await CachedDns.GetHostAddressesAsync(collector, ct);
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(addresses, 4317, ct);
            await socket.SendAsync(payload, SocketFlags.None, ct);
        }

        public HttpClient CreateClient() => new HttpClient(new SocketsHttpHandler().UseCachedDns(CachedDns.Resolver));

        public async Task RefreshAsync()
        {
            // Keeps the last good answer when the lookup fails.
            try
            {
                lastGood = await Dns.GetHostAddressesAsync(collector);
            }
            catch (SocketException)
            {
            }
        }

        public IPAddress[] Local()
        {
            var a = Dns.GetHostAddresses("127.0.0.1");
            var b = Dns.GetHostAddresses("localhost");
            var c = Dns.GetHostEntry(Dns.GetHostName());
            var d = Dns.GetHostEntry(IPAddress.Loopback);
            return a.Length + b.Length + c.AddressList.Length + d.AddressList.Length > 0 ? a : lastGood;
        }
    }
}
