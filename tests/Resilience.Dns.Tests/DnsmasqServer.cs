using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;

namespace Resilience.Dns.Tests;

/// <summary>
/// A real dnsmasq (Debian package <c>dnsmasq-base</c>, binary /usr/sbin/dnsmasq) run as a child process on
/// 127.0.0.1 and a free port, with no configuration file, no /etc/hosts, no upstream servers, no pid file in /var/run:
/// it never touches the system's DNS. Answers come from --host-record with --local-ttl, so the tests control TTLs;
/// everything else under .test is NXDOMAIN (--local=/test/).
/// </summary>
internal sealed class DnsmasqServer : IDisposable
{
    public const string BinaryPath = "/usr/sbin/dnsmasq";

    private readonly string _directory = Directory.CreateTempSubdirectory("resilience-dns-dnsmasq-").FullName;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private DnsmasqServer(int port) => Port = port;

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts dnsmasq answering each "name=address" record with the given TTL, on a free loopback port.</summary>
    public static async Task<DnsmasqServer> StartAsync(int ttlSeconds, params string[] records)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException(
                $"{BinaryPath} not found: the real-DNS tests need dnsmasq. Install it with 'apt-get update && apt-get install -y dnsmasq-base' " +
                "(Debian/Ubuntu; the binary-only package, it starts no system service). These tests never skip.");
        }

        InvalidOperationException? last = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            DnsmasqServer server = new(FreePort());
            try
            {
                await server.RestartAsync(ttlSeconds, records);
                return server;
            }
            catch (InvalidOperationException ex)
            {
                // Another process may have taken the port between our probe and dnsmasq's bind: try another one.
                server.Dispose();
                last = ex;
            }
        }

        throw last!;
    }

    /// <summary>Stops dnsmasq (if running) and starts it again on the same port with new records.</summary>
    public async Task RestartAsync(int ttlSeconds, params string[] records)
    {
        Stop();
        List<string> arguments =
        [
            "--no-daemon", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
            $"--pid-file={Path.Combine(_directory, "dnsmasq.pid")}", "--user=root",
            $"--port={Port}", "--listen-address=127.0.0.1", "--bind-interfaces",
            $"--local-ttl={ttlSeconds}", "--local=/test/", "--log-facility=-",
        ];
        arguments.AddRange(records.Select(r => "--host-record=" + r.Replace('=', ',')));

        ProcessStartInfo start = new(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        lock (_output)
        {
            _output.Clear();
        }

        Process process = new() { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilAnsweringAsync(records.Length > 0 ? records[0].Split('=')[0] : "probe.test");
    }

    /// <summary>Kills dnsmasq: from now on its port answers nothing.</summary>
    public void Stop()
    {
        Process? process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitUntilAnsweringAsync(string name)
    {
        LookupClient probe = new(new LookupClientOptions(EndPoint)
        {
            UseCache = false,
            Timeout = TimeSpan.FromMilliseconds(200),
            Retries = 0,
            ThrowDnsErrors = false,
            UseTcpFallback = false,
        });
        for (int i = 0; i < 50; i++)
        {
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException($"dnsmasq exited at start (exit code {_process?.ExitCode}) on port {Port}: {Output}");
            }

            try
            {
                IDnsQueryResponse response = await probe.QueryAsync(name, QueryType.A);
                if (!response.HasError || response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
                {
                    return;
                }
            }
            catch (DnsResponseException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Stop();
        throw new InvalidOperationException($"dnsmasq did not answer on 127.0.0.1:{Port} within 5 s: {Output}");
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        // A port free for both UDP and TCP (dnsmasq listens on both).
        for (int i = 0; i < 20; i++)
        {
            using Socket udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            try
            {
                using Socket tcp = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // TCP side taken: try another.
            }
        }

        throw new InvalidOperationException("No free loopback port for dnsmasq after 20 tries.");
    }
}
