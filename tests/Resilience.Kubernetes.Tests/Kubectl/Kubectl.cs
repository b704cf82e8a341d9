using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Resilience.Kubernetes.Testing;
using Xunit;

namespace Resilience.Kubernetes.Tests.Kubectl
{
    /// <summary>
    /// The real kubectl (Debian's <c>kubernetes-client</c>, or any kubectl on PATH; build.sh installs it), pointed at a
    /// loopback API server through a kubeconfig of its own (plain http, no credentials) and a discovery cache of its own.
    /// </summary>
    internal sealed class Kubectl : IDisposable
    {
        private static readonly Lazy<string?> Binary = new(Find);
        private readonly string directory = Directory.CreateTempSubdirectory("resilience-kubectl-").FullName;

        public Kubectl(FakeApiServer server, string defaultNamespace)
        {
            Kubeconfig = Path.Combine(directory, "kubeconfig");
            File.WriteAllText(Kubeconfig, server.Kubeconfig(defaultNamespace));
        }

        /// <summary>Why the kubectl tests cannot run here, or null when they can.</summary>
        public static string? Missing => Binary.Value is null
            ? "kubectl is not installed (not on PATH, not /usr/bin/kubectl): './build.sh test' installs Debian's kubernetes-client; or 'apt-get install kubernetes-client'"
            : null;

        public string Kubeconfig { get; }

        /// <summary>Runs kubectl with <paramref name="args"/>; returns its exit code, stdout and stderr.</summary>
        public async Task<(int ExitCode, string Out, string Err)> RunAsync(params string[] args)
        {
            using var process = Start(args);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"kubectl {string.Join(' ', args)} did not finish in 30 s: {await stderr}");
            }

            return (process.ExitCode, await stdout, await stderr);
        }

        /// <summary>Runs kubectl and fails the test unless it exits 0; returns stdout.</summary>
        public async Task<string> OkAsync(params string[] args)
        {
            var (exit, stdout, stderr) = await RunAsync(args);
            Assert.True(exit == 0, $"kubectl {string.Join(' ', args)} exited {exit}: {stderr}\n{stdout}");
            return stdout;
        }

        /// <summary>Starts a long-running kubectl (e.g. <c>get pods -w</c>) whose stdout lines are collected as they come.</summary>
        public Streaming StartStreaming(params string[] args) => new(Start(args));

        /// <summary>The rows of kubectl's table output: header → cell per row (columns are separated by 2+ spaces).</summary>
        public static List<Dictionary<string, string>> Rows(string output, out string[] header)
        {
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            header = Cells(lines[0]);
            var columns = header;
            return lines.Skip(1).Select(l => Cells(l)).Select(cells =>
            {
                Assert.True(cells.Length == columns.Length, $"row has {cells.Length} cells, header {columns.Length}: {string.Join(" | ", cells)}");
                return columns.Zip(cells).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            }).ToList();
        }

        public static string[] Cells(string line) => Regex.Split(line.Trim(), @"\s{2,}");

        public void Dispose()
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a temp folder
            }
        }

        private Process Start(string[] args)
        {
            var info = new ProcessStartInfo(Binary.Value ?? throw new InvalidOperationException(Missing))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--kubeconfig", Kubeconfig, "--cache-dir", Path.Combine(directory, "cache"), "--request-timeout=20s" }.Concat(args))
                info.ArgumentList.Add(a);
            // Its own home: no user kubeconfig, cache or plugin is read.
            info.Environment["HOME"] = directory;
            info.Environment.Remove("KUBECONFIG");
            return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
        }

        private static string? Find()
        {
            var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, "kubectl")).Append("/usr/bin/kubectl");
            return candidates.FirstOrDefault(File.Exists);
        }

        /// <summary>A kubectl that keeps running; its stdout lines as they arrive.</summary>
        internal sealed class Streaming : IAsyncDisposable
        {
            private readonly Process process;
            private readonly ConcurrentQueue<string> lines = new();
            private readonly Task<string> stderr;
            private readonly Task reader;

            public Streaming(Process process)
            {
                this.process = process;
                stderr = process.StandardError.ReadToEndAsync();
                reader = Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync() is { } line) lines.Enqueue(line);
                });
            }

            public IReadOnlyList<string> Lines => lines.ToArray();

            public bool HasExited => process.HasExited;

            public int ExitCode => process.ExitCode;

            /// <summary>Waits for the process to end (bounded) and for its last line to be read.</summary>
            public async Task<string> WaitForExitAsync(TimeSpan timeout)
            {
                using var cts = new CancellationTokenSource(timeout);
                await process.WaitForExitAsync(cts.Token);
                await reader;
                return await stderr;
            }

            public async ValueTask DisposeAsync()
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }
    }

    /// <summary>A fact that runs real kubectl: skipped, with the reason, only when no kubectl is installed.</summary>
    public sealed class KubectlFactAttribute : FactAttribute
    {
        public KubectlFactAttribute()
        {
            if (Kubectl.Missing is { } reason) Skip = reason;
        }
    }

    /// <summary>A theory that runs real kubectl: skipped, with the reason, only when no kubectl is installed.</summary>
    public sealed class KubectlTheoryAttribute : TheoryAttribute
    {
        public KubectlTheoryAttribute()
        {
            if (Kubectl.Missing is { } reason) Skip = reason;
        }
    }
}
