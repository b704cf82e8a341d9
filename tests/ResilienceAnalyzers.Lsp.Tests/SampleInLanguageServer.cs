using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using ResilienceAnalyzers.EndToEnd.Tests;
using Xunit;

namespace ResilienceAnalyzers.Lsp.Tests
{
    /// <summary>
    /// The editor session the tests look at: the package packed into a folder feed, a copy of
    /// samples/NodeTelemetryAgent restored from it, csharp-ls started on that project folder with
    /// <c>csharp.analyzersEnabled</c> on, TelemetryAgent.cs opened, and its diagnostics pulled
    /// (textDocument/diagnostic) until the server has loaded the project and run the analyzers.
    /// </summary>
    public sealed class SampleInLanguageServer : IAsyncLifetime
    {
        /// <summary>The RES rules the sample agent triggers (see ConsumerBuildTests).</summary>
        public static readonly string[] ExpectedRules = ["RES1001", "RES1002", "RES1003", "RES1004", "RES1005", "RES2001"];

        private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

        /// <summary>From the server's start to the analyzer diagnostics: loading the project, compiling, analysing.</summary>
        private static readonly TimeSpan DiagnosticsDeadline = TimeSpan.FromSeconds(120);

        private PackedPackage? package;
        private string rootUri = "";

        public LspClient Server { get; private set; } = null!;

        public string ProjectDirectory { get; private set; } = "";

        public string DocumentUri { get; private set; } = "";

        public string[] SourceLines { get; private set; } = [];

        /// <summary>The full report of the first textDocument/diagnostic pull that had every expected rule.</summary>
        public JsonArray Diagnostics { get; private set; } = [];

        public TimeSpan TimeToDiagnostics { get; private set; }

        public int Pulls { get; private set; }

        public async Task InitializeAsync()
        {
            string serverDll = CsharpLs.EnsureInstalled();
            package = new PackedPackage();
            ProjectDirectory = package.Consumer("NodeTelemetryAgent", "lsp");
            // An editor opens a restored project; csharp-ls does not restore.
            Dotnet.RunOk(ProjectDirectory, "restore", "-nologo");

            string document = Path.Combine(ProjectDirectory, "TelemetryAgent.cs");
            string text = File.ReadAllText(document);
            SourceLines = File.ReadAllLines(document);
            DocumentUri = new Uri(document).AbsoluteUri;
            rootUri = new Uri(ProjectDirectory + Path.DirectorySeparatorChar).AbsoluteUri.TrimEnd('/');

            var clock = Stopwatch.StartNew();
            Server = LspClient.Start(
                "dotnet",
                [serverDll],
                ProjectDirectory,
                new Dictionary<string, string> { ["DOTNET_CLI_UI_LANGUAGE"] = "en" },
                AnswerServerRequest);

            await Server.RequestAsync("initialize", new JsonObject
            {
                ["processId"] = Environment.ProcessId,
                ["clientInfo"] = new JsonObject { ["name"] = "ResilienceAnalyzers.Lsp.Tests" },
                ["rootUri"] = rootUri,
                ["workspaceFolders"] = new JsonArray(new JsonObject { ["uri"] = rootUri, ["name"] = "NodeTelemetryAgent" }),
                ["capabilities"] = new JsonObject
                {
                    ["workspace"] = new JsonObject
                    {
                        // Without this the server never asks for the csharp section, and analyzers stay off.
                        ["configuration"] = true,
                        ["workspaceFolders"] = true,
                        ["didChangeConfiguration"] = new JsonObject { ["dynamicRegistration"] = true },
                    },
                    ["textDocument"] = new JsonObject
                    {
                        ["synchronization"] = new JsonObject { ["dynamicRegistration"] = true, ["didSave"] = true },
                        ["diagnostic"] = new JsonObject { ["dynamicRegistration"] = true, ["relatedDocumentSupport"] = false },
                        ["publishDiagnostics"] = new JsonObject { ["relatedInformation"] = true },
                        ["codeAction"] = new JsonObject
                        {
                            ["dynamicRegistration"] = true,
                            ["codeActionLiteralSupport"] = new JsonObject
                            {
                                ["codeActionKind"] = new JsonObject { ["valueSet"] = new JsonArray("", "quickfix", "refactor", "source") },
                            },
                            ["resolveSupport"] = new JsonObject { ["properties"] = new JsonArray("edit") },
                            ["dataSupport"] = true,
                        },
                    },
                    ["window"] = new JsonObject { ["workDoneProgress"] = true },
                },
            }, RequestTimeout);
            await Server.NotifyAsync("initialized", new JsonObject());
            await Server.NotifyAsync("textDocument/didOpen", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = DocumentUri, ["languageId"] = "csharp", ["version"] = 1, ["text"] = text },
            });

            // The first pulls may come back empty or compiler-only while the project loads: poll, bounded.
            JsonArray items = [];
            string? lastResultId = null;
            while (true)
            {
                TimeSpan left = DiagnosticsDeadline - clock.Elapsed;
                if (left <= TimeSpan.Zero || Server.HasExited)
                {
                    throw new InvalidOperationException(
                        $"csharp-ls {CsharpLs.Version} did not report every expected RES rule ({string.Join(", ", ExpectedRules)}) for TelemetryAgent.cs " +
                        $"within {DiagnosticsDeadline.TotalSeconds:0} s of starting ({Pulls} textDocument/diagnostic pulls).\n" +
                        $"Last pull: {Codes(items)} (resultId {lastResultId ?? "none"}; csharp-ls {CsharpLs.Version} ends it with /<analyzersEnabled>: " +
                        "with analyzers off it reports compiler diagnostics only)\n" +
                        $"Server requests answered: {string.Join(", ", Server.ServerRequests)} (workspace/configuration must be among them for csharp.analyzersEnabled)\n" +
                        $"publishDiagnostics seen: {(Server.PublishedDiagnostics.TryGetValue(DocumentUri, out var pushed) ? Codes(pushed) : "none")}\n" +
                        Server.Describe());
                }

                Pulls++;
                var report = await Server.RequestAsync("textDocument/diagnostic", new JsonObject
                {
                    ["textDocument"] = new JsonObject { ["uri"] = DocumentUri },
                }, left < RequestTimeout ? left : RequestTimeout);
                items = report?["items"] as JsonArray ?? [];
                lastResultId = report?["resultId"]?.ToString();
                if (ExpectedRules.All(rule => items.Any(d => Code(d) == rule)))
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            Diagnostics = items;
            TimeToDiagnostics = clock.Elapsed;
        }

        public async Task DisposeAsync()
        {
            int? exitCode = 0;
            string transcript = "";
            if (Server != null)
            {
                // shutdown, exit; killed (with the whole process tree) if it does not end in time.
                exitCode = await Server.ShutdownAsync(TimeSpan.FromSeconds(15));
                transcript = Server.Describe();
                Server.Dispose();
            }

            package?.Dispose();
            if (exitCode != 0)
            {
                throw new InvalidOperationException(
                    $"csharp-ls did not shut down cleanly (shutdown, exit): {(exitCode == null ? "killed after 15 s" : "exit code " + exitCode)}.\n{transcript}");
            }
        }

        /// <summary>The 1-based line of the first source line containing <paramref name="text"/>.</summary>
        public int Line(string text)
        {
            int index = Array.FindIndex(SourceLines, l => l.Contains(text, StringComparison.Ordinal));
            Assert.True(index >= 0, "TelemetryAgent.cs has no line containing " + text);
            return index + 1;
        }

        public static string? Code(JsonNode? diagnostic) => diagnostic?["code"]?.ToString();

        public static int StartLine(JsonNode? diagnostic) => diagnostic!["range"]!["start"]!["line"]!.GetValue<int>() + 1;

        public static string Codes(JsonArray items) =>
            items.Count == 0 ? "(no diagnostics)" : string.Join(", ", items.Select(d => Code(d) + "@" + StartLine(d)));

        /// <summary>Answers the server's requests the way an editor configured for this test does.</summary>
        private JsonNode? AnswerServerRequest(string method, JsonNode? parameters)
        {
            switch (method)
            {
                case "workspace/configuration":
                    // One answer per item, in order. csharp-ls asks for section "csharp" and reads analyzersEnabled
                    // (off by default); anything else gets null ("no setting").
                    var answers = new JsonArray();
                    foreach (var item in parameters?["items"] as JsonArray ?? [])
                    {
                        answers.Add(item?["section"]?.ToString() == "csharp"
                            ? new JsonObject { ["analyzersEnabled"] = true }
                            : null);
                    }

                    return answers;
                case "client/registerCapability":
                case "client/unregisterCapability":
                case "window/workDoneProgress/create":
                case "workspace/diagnostic/refresh":
                case "workspace/semanticTokens/refresh":
                case "workspace/inlayHint/refresh":
                case "workspace/codeLens/refresh":
                    return null;
                case "workspace/workspaceFolders":
                    return new JsonArray(new JsonObject { ["uri"] = rootUri, ["name"] = "NodeTelemetryAgent" });
                default:
                    throw new NotSupportedException("ResilienceAnalyzers.Lsp.Tests does not handle " + method);
            }
        }
    }
}
