using System;
using System.IO;
using System.Linq;
using ResilienceAnalyzers.EndToEnd.Tests;

namespace ResilienceAnalyzers.Lsp.Tests
{
    /// <summary>
    /// csharp-ls (https://github.com/razzmatazz/csharp-language-server), a Roslyn-based C# language server shipped as
    /// a dotnet tool on NuGet. Installed once into artifacts/tools (git-ignored) and reused by later runs.
    /// </summary>
    internal static class CsharpLs
    {
        public const string Version = "0.28.0";

        /// <summary>
        /// csharp-ls 0.28.0 builds its code actions from the CodeFixProviders of Roslyn's own feature assemblies only,
        /// and only for compiler diagnostics (semanticModel.GetDiagnostics; see its Handlers/CodeAction.fs): fixers
        /// shipped in a project's analyzer packages are never asked, whatever csharp.analyzersEnabled says. Set this to
        /// true when a version that runs them is pinned above; the code-action test then demands our fixes.
        /// </summary>
        public static readonly bool OffersThirdPartyCodeFixes = false;

        /// <summary>The server's entry assembly, run as <c>dotnet CSharpLanguageServer.dll</c> (no apphost or DOTNET_ROOT needed).</summary>
        public static string EnsureInstalled()
        {
            string toolPath = Path.Combine(Dotnet.RepositoryRoot, "artifacts", "tools", "csharp-ls-" + Version);
            string? dll = Find(toolPath);
            if (dll != null)
            {
                return dll;
            }

            // Install beside the final folder and move it in, so an interrupted install is never mistaken for a good one.
            string staging = toolPath + ".staging-" + Environment.ProcessId;
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            Dotnet.RunOk(Dotnet.RepositoryRoot, "tool", "install", "csharp-ls", "--version", Version, "--tool-path", staging);
            if (Find(staging) == null)
            {
                throw new InvalidOperationException("dotnet tool install csharp-ls " + Version + " left no CSharpLanguageServer.dll under " + staging);
            }

            try
            {
                Directory.Move(staging, toolPath);
            }
            catch (IOException) when (Find(toolPath) != null)
            {
                // Another run installed it meanwhile.
                Directory.Delete(staging, recursive: true);
            }

            return Find(toolPath) ?? throw new InvalidOperationException("csharp-ls is missing from " + toolPath + " after installing it");
        }

        private static string? Find(string toolPath) =>
            Directory.Exists(toolPath)
                ? Directory.GetFiles(toolPath, "CSharpLanguageServer.dll", SearchOption.AllDirectories)
                    .FirstOrDefault(f => File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")))
                : null;
    }
}
