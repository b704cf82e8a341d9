using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace ResilienceAnalyzers.Lsp.Tests
{
    /// <summary>
    /// A small Language Server Protocol client over a child process's stdio: JSON-RPC 2.0 messages framed by
    /// <c>Content-Length</c> headers, client→server requests and notifications, and answers to the server's own
    /// requests (workspace/configuration, client/registerCapability, window/workDoneProgress/create, …).
    /// Every wait is bounded; a failure message carries the tail of the conversation and of the server's stderr.
    /// </summary>
    public sealed class LspClient : IDisposable
    {
        private const int TranscriptHead = 20;
        private const int TranscriptTail = 30;

        private readonly Process process;
        private readonly Stream input;
        private readonly SemaphoreSlim writeLock = new(1, 1);
        private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonNode?>> pending = new();
        private readonly Func<string, JsonNode?, JsonNode?> answerServerRequest;
        private readonly List<string> transcriptHead = new();
        private readonly LinkedList<string> transcript = new();
        private int transcriptDropped;
        private readonly StringBuilder stderr = new();
        private readonly Task readLoop;
        private long nextId;
        private volatile string? readerFailure;

        private LspClient(Process process, Func<string, JsonNode?, JsonNode?> answerServerRequest)
        {
            this.process = process;
            this.answerServerRequest = answerServerRequest;
            input = process.StandardInput.BaseStream;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (stderr)
                    {
                        if (stderr.Length < 64 * 1024)
                        {
                            stderr.AppendLine(e.Data);
                        }
                    }
                }
            };
            process.BeginErrorReadLine();
            readLoop = Task.Run(ReadLoopAsync);
        }

        /// <summary>publishDiagnostics notifications received so far, by document URI (the latest per URI).</summary>
        public ConcurrentDictionary<string, JsonArray> PublishedDiagnostics { get; } = new();

        /// <summary>The methods of the server→client requests seen so far, in order.</summary>
        public ConcurrentQueue<string> ServerRequests { get; } = new();

        /// <summary>
        /// Starts <paramref name="fileName"/> with <paramref name="arguments"/>. <paramref name="answerServerRequest"/>
        /// returns the result for a server→client request (method, params); JSON null is a valid answer.
        /// </summary>
        public static LspClient Start(
            string fileName,
            IEnumerable<string> arguments,
            string workingDirectory,
            IDictionary<string, string> environment,
            Func<string, JsonNode?, JsonNode?> answerServerRequest)
        {
            var info = new ProcessStartInfo(fileName)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            // The server's own MSBuild must be found fresh, not inherited from the test host's build.
            info.Environment.Remove("MSBuildExtensionsPath");
            info.Environment.Remove("MSBuildSDKsPath");
            info.Environment.Remove("MSBUILD_EXE_PATH");
            info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            info.Environment["DOTNET_NOLOGO"] = "1";
            info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }

            var process = new Process { StartInfo = info };
            process.Start();
            return new LspClient(process, answerServerRequest);
        }

        public bool HasExited => process.HasExited;

        public async Task<JsonNode?> RequestAsync(string method, JsonNode? parameters, TimeSpan timeout)
        {
            long id = Interlocked.Increment(ref nextId);
            var completion = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
            pending[id] = completion;
            var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
            if (parameters != null)
            {
                message["params"] = parameters;
            }

            await SendAsync(message).ConfigureAwait(false);
            var finished = await Task.WhenAny(completion.Task, Task.Delay(timeout)).ConfigureAwait(false);
            if (finished != completion.Task)
            {
                pending.TryRemove(id, out _);
                // Tell the server we gave up, as an editor does; it may still be busy loading.
                await TrySendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "$/cancelRequest", ["params"] = new JsonObject { ["id"] = id } }).ConfigureAwait(false);
                throw new TimeoutException($"LSP request {method} (id {id}) got no response in {timeout.TotalSeconds:0} s.\n{Describe()}");
            }

            return await completion.Task.ConfigureAwait(false);
        }

        public Task NotifyAsync(string method, JsonNode? parameters)
        {
            var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
            if (parameters != null)
            {
                message["params"] = parameters;
            }

            return SendAsync(message);
        }

        /// <summary>shutdown, then exit; the process is killed if it does not end within <paramref name="timeout"/>.</summary>
        public async Task<int?> ShutdownAsync(TimeSpan timeout)
        {
            try
            {
                if (!process.HasExited)
                {
                    await RequestAsync("shutdown", null, timeout).ConfigureAwait(false);
                    await NotifyAsync("exit", null).ConfigureAwait(false);
                    using var exited = new CancellationTokenSource(timeout);
                    await process.WaitForExitAsync(exited.Token).ConfigureAwait(false);
                }

                return process.ExitCode;
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException or IOException or LspException)
            {
                Log("shutdown failed: " + e.Message);
                Kill();
                return null;
            }
        }

        /// <summary>The tail of the conversation and of the server's stderr, for failure messages.</summary>
        public string Describe()
        {
            var text = new StringBuilder();
            text.AppendLine(process.HasExited ? $"Server exited with code {process.ExitCode}." : "Server is running.");
            if (readerFailure != null)
            {
                text.AppendLine("Reader: " + readerFailure);
            }

            text.AppendLine("--- LSP messages (first and last) ---");
            lock (transcript)
            {
                foreach (var line in transcriptHead)
                {
                    text.AppendLine(line);
                }

                if (transcriptDropped > 0)
                {
                    text.AppendLine($"… {transcriptDropped} messages left out …");
                }

                foreach (var line in transcript)
                {
                    text.AppendLine(line);
                }
            }

            lock (stderr)
            {
                string err = stderr.ToString();
                text.AppendLine("--- server stderr (tail) ---");
                text.AppendLine(err.Length > 4000 ? err[^4000..] : err);
            }

            return text.ToString();
        }

        public void Dispose()
        {
            Kill();
            process.Dispose();
            writeLock.Dispose();
        }

        private void Kill()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Not started or already gone.
            }
        }

        private async Task TrySendAsync(JsonObject message)
        {
            try
            {
                await SendAsync(message).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The server is gone; the caller reports that.
            }
        }

        private async Task SendAsync(JsonObject message)
        {
            byte[] body = Encoding.UTF8.GetBytes(message.ToJsonString());
            byte[] header = Encoding.ASCII.GetBytes("Content-Length: " + body.Length + "\r\n\r\n");
            Log("→ " + Summarize(message));
            await writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await input.WriteAsync(header).ConfigureAwait(false);
                await input.WriteAsync(body).ConfigureAwait(false);
                await input.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                writeLock.Release();
            }
        }

        private async Task ReadLoopAsync()
        {
            var output = process.StandardOutput.BaseStream;
            try
            {
                while (true)
                {
                    int? length = await ReadHeadersAsync(output).ConfigureAwait(false);
                    if (length == null)
                    {
                        break;
                    }

                    byte[] body = new byte[length.Value];
                    await output.ReadExactlyAsync(body).ConfigureAwait(false);
                    JsonNode? message = JsonNode.Parse(body);
                    if (message is JsonObject json)
                    {
                        await DispatchAsync(json).ConfigureAwait(false);
                    }
                }

                readerFailure ??= "the server closed its output";
            }
            catch (Exception e) when (e is IOException or JsonException or EndOfStreamException or InvalidDataException or ObjectDisposedException)
            {
                readerFailure = e.GetType().Name + ": " + e.Message;
            }

            foreach (var waiting in pending.Values)
            {
                waiting.TrySetException(new LspException("The server's output ended before the response: " + readerFailure + "\n" + Describe()));
            }
        }

        /// <summary>Reads "Name: value\r\n" lines up to the blank line; returns Content-Length, or null at end of stream.</summary>
        private static async Task<int?> ReadHeadersAsync(Stream output)
        {
            int? length = null;
            var line = new StringBuilder();
            byte[] one = new byte[1];
            while (true)
            {
                int read = await output.ReadAsync(one).ConfigureAwait(false);
                if (read == 0)
                {
                    return null;
                }

                if (one[0] != (byte)'\n')
                {
                    if (one[0] != (byte)'\r')
                    {
                        line.Append((char)one[0]);
                    }

                    continue;
                }

                if (line.Length == 0)
                {
                    if (length == null)
                    {
                        throw new InvalidDataException("LSP message without a Content-Length header");
                    }

                    return length;
                }

                string header = line.ToString();
                line.Clear();
                int colon = header.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && header[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(header[(colon + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        private async Task DispatchAsync(JsonObject message)
        {
            string? method = message["method"]?.GetValue<string>();
            JsonNode? id = message["id"];
            Log("← " + Summarize(message));
            if (method != null && id != null)
            {
                // A server→client request: it waits for our answer (csharp-ls holds initialization on some).
                ServerRequests.Enqueue(method);
                JsonObject response;
                try
                {
                    response = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = answerServerRequest(method, message["params"]) };
                }
                catch (NotSupportedException e)
                {
                    response = new JsonObject
                    {
                        ["jsonrpc"] = "2.0",
                        ["id"] = id.DeepClone(),
                        ["error"] = new JsonObject { ["code"] = -32601, ["message"] = e.Message },
                    };
                }

                await SendAsync(response).ConfigureAwait(false);
            }
            else if (method != null)
            {
                if (method == "textDocument/publishDiagnostics" && message["params"] is JsonObject p
                    && p["uri"]?.GetValue<string>() is string uri && p["diagnostics"] is JsonArray diagnostics)
                {
                    PublishedDiagnostics[uri] = (JsonArray)diagnostics.DeepClone();
                }
            }
            else if (id != null && id.GetValueKind() == JsonValueKind.Number && pending.TryRemove(id.GetValue<long>(), out var completion))
            {
                if (message["error"] is JsonObject error)
                {
                    completion.TrySetException(new LspException($"LSP error {error["code"]}: {error["message"]}\n{Describe()}"));
                }
                else
                {
                    completion.TrySetResult(message["result"]?.DeepClone());
                }
            }
        }

        private void Log(string line)
        {
            lock (transcript)
            {
                string entry = DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) + " " + line;
                if (transcriptHead.Count < TranscriptHead)
                {
                    transcriptHead.Add(entry);
                    return;
                }

                transcript.AddLast(entry);
                if (transcript.Count > TranscriptTail)
                {
                    transcript.RemoveFirst();
                    transcriptDropped++;
                }
            }
        }

        private static string Summarize(JsonObject message)
        {
            string text = message.ToJsonString();
            // didOpen carries the whole file; keep the transcript readable.
            return text.Length > 400 ? text[..400] + "…" : text;
        }
    }

    public sealed class LspException(string message) : Exception(message);
}
