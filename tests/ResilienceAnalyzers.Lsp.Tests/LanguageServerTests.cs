using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace ResilienceAnalyzers.Lsp.Tests
{
    /// <summary>
    /// What an editor user sees: the squiggles a real C# language server (csharp-ls) reports for the sample agent,
    /// pulled over LSP, and the code actions it offers on them.
    /// <para>
    /// Found with csharp-ls 0.28.0: pull diagnostics work (it registers textDocument/diagnostic dynamically, and
    /// answers a pull after the project has loaded with compiler + analyzer diagnostics, ~5-10 s after start), so no
    /// fallback to publishDiagnostics is needed. Analyzers run only when the client answers workspace/configuration
    /// for section "csharp" with <c>{ "analyzersEnabled": true }</c> (the setting <c>csharp.analyzersEnabled</c>, off by
    /// default); the client must declare <c>workspace.configuration</c> for the server to ask. Code actions come only from
    /// Roslyn's built-in fixers and refactorings: see <see cref="CsharpLs.OffersThirdPartyCodeFixes"/>.
    /// </para>
    /// </summary>
    public sealed class LanguageServerTests(SampleInLanguageServer session, ITestOutputHelper output) : IClassFixture<SampleInLanguageServer>
    {
        private const string ScopeToNodeTitle = "Scope to this node's pods (fieldSelector spec.nodeName)";
        private const string CachedDnsTitle = "Resolve through CachedDns (serves the last good answer when DNS fails)";

        [Fact]
        public void Pulled_diagnostics_put_each_rule_on_the_offending_line_with_its_message()
        {
            output.WriteLine($"csharp-ls {CsharpLs.Version}: RES diagnostics after {session.TimeToDiagnostics.TotalSeconds:0.0} s, {session.Pulls} pull(s): {SampleInLanguageServer.Codes(session.Diagnostics)}");
            int podList = session.Line("ListPodForAllNamespacesAsync(");
            int nodeList = session.Line("ListNodeAsync(");
            int dns = session.Line("Dns.GetHostAddressesAsync(");
            int retry = session.Line("ReadNodeAsync(");
            int watch = session.Line("WatchListServiceForAllNamespacesAsync(");

            AssertDiagnostic("RES1002", podList, "5,000 copies", "150,000 pods");
            AssertDiagnostic("RES1002", nodeList);
            AssertDiagnostic("RES1001", podList);
            AssertDiagnostic("RES1003", podList, "every 30 s");
            AssertDiagnostic("RES2001", dns, "on every connection");
            AssertDiagnostic("RES1004", watch, "restarted by a while loop");
            AssertDiagnostic("RES1005", retry, "5,000 copies retry in lockstep, 1,000 requests/s");

            // Warnings, as in the build, but for RES1002's suggestion on the per-node watch of every service (kube-proxy's
            // pattern, docs/rules/RES1002.md: Information); and no analyzer crashed or misread the project's settings.
            var ours = session.Diagnostics.Where(d => SampleInLanguageServer.Code(d)?.StartsWith("RES", StringComparison.Ordinal) == true).ToList();
            Assert.All(ours, d => Assert.Equal(
                SampleInLanguageServer.Code(d) == "RES1002" && SampleInLanguageServer.StartLine(d) == watch ? 3 : 2,
                d!["severity"]?.GetValue<int>()));
            Assert.DoesNotContain(session.Diagnostics, d => SampleInLanguageServer.Code(d) is "AD0001" or "RES0001");
        }

        [Fact]
        public async Task Code_actions_are_requested_at_the_RES1002_and_RES2001_squiggles()
        {
            await AssertCodeFixOffer("RES1002", session.Line("ListPodForAllNamespacesAsync("), ScopeToNodeTitle);
            await AssertCodeFixOffer("RES2001", session.Line("Dns.GetHostAddressesAsync("), CachedDnsTitle);
        }

        private async Task AssertCodeFixOffer(string rule, int line, string fixTitle)
        {
            var diagnostic = session.Diagnostics.FirstOrDefault(d => SampleInLanguageServer.Code(d) == rule && SampleInLanguageServer.StartLine(d) == line)
                ?? throw new Xunit.Sdk.XunitException($"No {rule} diagnostic at line {line} to ask code actions for; pulled: {SampleInLanguageServer.Codes(session.Diagnostics)}");

            var result = await session.Server.RequestAsync("textDocument/codeAction", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = session.DocumentUri },
                ["range"] = diagnostic["range"]!.DeepClone(),
                ["context"] = new JsonObject
                {
                    ["diagnostics"] = new JsonArray(diagnostic.DeepClone()),
                    ["triggerKind"] = 1,
                },
            }, TimeSpan.FromSeconds(60));

            var actions = result as JsonArray
                ?? throw new Xunit.Sdk.XunitException($"textDocument/codeAction at {rule} (line {line}) returned {result?.ToJsonString() ?? "null"}, not a list of actions.\n{session.Server.Describe()}");
            var titles = actions.Select(a => a?["title"]?.ToString() ?? "").ToList();
            output.WriteLine($"Code actions at {rule} (line {line}): {string.Join(" | ", titles)}");

            if (CsharpLs.OffersThirdPartyCodeFixes)
            {
                Assert.True(titles.Contains(fixTitle), $"csharp-ls {CsharpLs.Version} did not offer \"{fixTitle}\" at {rule} (line {line}); it offered: {string.Join(" | ", titles)}");
            }
            else
            {
                // The request path works (the server answers with its own refactorings for that span), but csharp-ls
                // does not ask analyzer packages' fixers. If this fails, a newer csharp-ls does: flip the switch.
                Assert.True(
                    !titles.Contains(fixTitle),
                    $"csharp-ls {CsharpLs.Version} now offers \"{fixTitle}\" at {rule}: set CsharpLs.OffersThirdPartyCodeFixes = true so this test demands it.");
            }
        }

        private void AssertDiagnostic(string rule, int line, params string[] messageParts)
        {
            var atLine = session.Diagnostics.Where(d => SampleInLanguageServer.Code(d) == rule && SampleInLanguageServer.StartLine(d) == line).ToList();
            Assert.True(atLine.Count > 0, $"No {rule} at line {line} of TelemetryAgent.cs; the server reported: {SampleInLanguageServer.Codes(session.Diagnostics)}");
            var messages = atLine.Select(d => d!["message"]?.ToString() ?? "").ToList();
            Assert.True(
                messages.Any(m => messageParts.All(part => m.Contains(part, StringComparison.Ordinal))),
                $"{rule} at line {line} does not say {string.Join(" and ", messageParts.Select(p => "\"" + p + "\""))}: {string.Join(" / ", messages)}");
        }
    }
}
