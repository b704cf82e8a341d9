using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Resilience.Dns.DnsClient;
using Xunit;
using static Resilience.Dns.Tests.TestHelpers;

namespace Resilience.Dns.Tests;

/// <summary>
/// A raw TCP listener on 127.0.0.1 that answers every request with "ok". By default it closes each connection after one
/// response; with <c>keepAlive</c> it serves requests on a connection until the client closes it, so that only the
/// client's pool decides when a new connection (and with it a DNS lookup) is made. It counts both.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _keepAlive;
    private readonly Task _loop;
    private int _requests;
    private int _connections;

    public LoopbackHttpServer(bool keepAlive = false)
    {
        _keepAlive = keepAlive;
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Requests => Volatile.Read(ref _requests);

    public int Connections => Volatile.Read(ref _connections);

    public ConcurrentQueue<string> HostHeaders { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            Task connection = ServeConnectionAsync(client);
            if (!_keepAlive)
            {
                await connection;
            }
        }
    }

    private async Task ServeConnectionAsync(Socket client)
    {
        using (client)
        {
            try
            {
                while (await ReadRequestAsync(client))
                {
                    Interlocked.Increment(ref _requests);
                    string connection = _keepAlive ? string.Empty : "Connection: close\r\n";
                    byte[] response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n{connection}\r\nok");
                    await client.SendAsync(response, _stop.Token);
                    if (!_keepAlive)
                    {
                        client.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client or the test went away.
            }
        }
    }

    /// <summary>Reads one request head (the tests send no bodies); false when the client closed the connection.</summary>
    private async Task<bool> ReadRequestAsync(Socket client)
    {
        byte[] buffer = new byte[8192];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await client.ReceiveAsync(buffer.AsMemory(read), _stop.Token);
            if (n == 0)
            {
                return false;
            }

            read += n;
            string soFar = Encoding.ASCII.GetString(buffer, 0, read);
            if (soFar.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                foreach (string line in soFar.Split("\r\n"))
                {
                    if (line.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))
                    {
                        HostHeaders.Enqueue(line[5..].Trim());
                    }
                }

                return true;
            }
        }

        return false;
    }
}

public sealed class HttpClientTests
{
    [Fact]
    public async Task HttpClient_connects_through_the_cache_tries_the_next_address_and_keeps_working_when_dns_fails()
    {
        await using LoopbackHttpServer server = new();
        FakeTimeProvider clock = NewClock();
        ScriptedBackend backend = new();
        using CachedDnsResolver resolver = new(backend, Options(clock));
        using HttpClient http = new(new SocketsHttpHandler().UseCachedDns(resolver));

        // 127.0.0.3 refuses (nothing listens there), 127.0.0.1 serves: the callback must fall through to the second.
        backend.Returns("127.0.0.3", "127.0.0.1");
        Assert.Equal("ok", await http.GetStringAsync($"http://collector.test:{server.Port}/"));

        backend.Fails();
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("ok", await http.GetStringAsync($"http://collector.test:{server.Port}/"));

        Assert.Equal(2, server.Requests);
        Assert.All(server.HostHeaders, h => Assert.Equal($"collector.test:{server.Port}", h));
        Assert.Equal(2, backend.Calls);
        Assert.Equal(1, resolver.Statistics.StaleAnswers);
    }

    [Fact]
    public async Task HttpClient_request_fails_with_the_dns_error_when_the_name_does_not_exist()
    {
        FakeTimeProvider clock = NewClock();
        ScriptedBackend backend = new();
        backend.ReturnsNotFound();
        using CachedDnsResolver resolver = new(backend, Options(clock));
        using HttpClient http = new(new SocketsHttpHandler().UseCachedDns(resolver));

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync("http://gone.test:1/"));
        SocketException inner = Assert.IsType<SocketException>(error.InnerException);
        Assert.Equal(SocketError.HostNotFound, inner.SocketErrorCode);
    }

    [Fact]
    public async Task Connect_reports_the_last_error_when_every_address_refuses()
    {
        await using LoopbackHttpServer server = new();
        ScriptedBackend backend = new();
        backend.Returns("127.0.0.3", "127.0.0.4");
        using CachedDnsResolver resolver = new(backend, Options(NewClock()));

        SocketException error = await Assert.ThrowsAsync<SocketException>(async () => await resolver.ConnectAsync("collector.test", server.Port));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        Assert.Equal(0, server.Requests);
    }
}

[Collection(DnsmasqCollection.Name)]
public sealed class HttpClientWithDnsmasqTests
{
    [Fact]
    public async Task HttpClient_keeps_reaching_a_name_served_by_a_dns_server_that_died()
    {
        await using LoopbackHttpServer http = new();
        using DnsmasqServer dns = await DnsmasqServer.StartAsync(1, "collector.test=127.0.0.1");
        FakeTimeProvider clock = NewClock();
        using CachedDnsResolver resolver = new(
            new DnsClientBackend(new global::DnsClient.LookupClientOptions(dns.EndPoint)
            {
                UseCache = false,
                // The first, live query must not fail on a busy machine: with 500 ms and no retry it timed out once in a
                // clean-clone CI run (the AAAA query, just after dnsmasq started). The stale half of the test then waits
                // out the timeout and its retry (about 4 s) before the resolver serves the kept answer.
                Timeout = TimeSpan.FromSeconds(2),
                Retries = 1,
            }),
            Options(clock));
        using HttpClient client = new(new SocketsHttpHandler().UseCachedDns(resolver));

        Assert.Equal("ok", await client.GetStringAsync($"http://collector.test:{http.Port}/"));
        dns.Stop();
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal("ok", await client.GetStringAsync($"http://collector.test:{http.Port}/"));

        Assert.Equal(2, http.Requests);
        Assert.Equal(1, resolver.Statistics.StaleAnswers);
        Assert.Equal(1, resolver.Statistics.BackendFailures);
    }
}
