using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace ResilienceAnalyzers.EndToEnd.Tests
{
    /// <summary>
    /// Packs ResilienceAnalyzers once per run into a folder feed, under a version no earlier run used (so the
    /// NuGet cache never serves a stale copy), and lays out consumer projects that restore it from there.
    /// </summary>
    public sealed class PackedPackage : IDisposable
    {
        public PackedPackage()
        {
            Root = Path.Combine(Path.GetTempPath(), "resilience-e2e-" + Environment.ProcessId + "-" + Stopwatch.GetTimestamp());
            Feed = Path.Combine(Root, "feed");
            Version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;
            Directory.CreateDirectory(Feed);
            // The analyzers, the runtime packages their code fixes call, the DnsClient backend and the test server package
            // (RuntimePackageTests).
            foreach (var project in new[] { "ResilienceAnalyzers.Package", "Resilience.Kubernetes", "Resilience.Kubernetes.Testing", "Resilience.Dns", "Resilience.Dns.DnsClient" })
            {
                Dotnet.RunOk(
                    Dotnet.RepositoryRoot,
                    "pack", Path.Combine("src", project, project + ".csproj"),
                    "-c", "Release", "-o", Feed, "-p:Version=" + Version, "-nologo");
            }

            PackagePath = Path.Combine(Feed, "ResilienceAnalyzers." + Version + ".nupkg");
            if (!File.Exists(PackagePath))
            {
                throw new FileNotFoundException("dotnet pack did not produce the package", PackagePath);
            }
        }

        public string Root { get; }

        public string Feed { get; }

        public string Version { get; }

        public string PackagePath { get; }

        /// <summary>A copy of samples/<paramref name="sample"/> in its own folder, set up like a user's repository.</summary>
        public string Consumer(string sample, string name)
        {
            string directory = Repository(name);
            Dotnet.CopyDirectory(
                Path.Combine(Dotnet.RepositoryRoot, "samples", sample),
                Path.Combine(directory, sample),
                relative => !relative.StartsWith("bin", StringComparison.Ordinal) && !relative.StartsWith("obj", StringComparison.Ordinal));
            return Path.Combine(directory, sample);
        }

        /// <summary>An empty folder set up like a user's repository that restores from the folder feed, then nuget.org.</summary>
        public string Repository(string name)
        {
            string directory = Path.Combine(Root, name);
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{Feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), $"""
                <Project>
                  <PropertyGroup>
                    <ResilienceAnalyzersVersion>{Version}</ResilienceAnalyzersVersion>
                  </PropertyGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />");
            return directory;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A build server may still hold a file; the temp folder is cleaned by the OS.
            }
        }
    }

    [CollectionDefinition(Name)]
    public sealed class PackageCollection : ICollectionFixture<PackedPackage>
    {
        public const string Name = "packed package";
    }
}
