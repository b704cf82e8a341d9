using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Xunit;

namespace ResilienceAnalyzers.EndToEnd.Tests
{
    /// <summary>What is inside the .nupkg: analyzers where the compiler looks, props under build/, no dependencies.</summary>
    [Collection(PackageCollection.Name)]
    public sealed class PackageLayoutTests(PackedPackage package)
    {
        [Fact]
        public void Assemblies_are_under_analyzers_dotnet_cs_and_props_under_build()
        {
            using var zip = ZipFile.OpenRead(package.PackagePath);
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("analyzers/dotnet/cs/ResilienceAnalyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/ResilienceAnalyzers.CodeFixes.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/Resilience.CostModel.dll", entries);
            Assert.Contains("build/ResilienceAnalyzers.props", entries);
            Assert.Contains("build/ResilienceAnalyzers.targets", entries);
            Assert.Contains("buildTransitive/ResilienceAnalyzers.targets", entries);
            Assert.Contains("README.md", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));

            using var props = zip.GetEntry("build/ResilienceAnalyzers.props")!.Open();
            var visible = XDocument.Load(props).Descendants("CompilerVisibleProperty").Select(e => (string?)e.Attribute("Include")).ToList();
            Assert.Equal(new[] { "ResilienceWorkload", "ResilienceReplicas", "ResilienceClusterNodes", "ResiliencePodsPerNode", "ResilienceManifestWorkload", "ResilienceNodeNameVariable", "ResiliencePodNameVariable", "MSBuildProjectName" }, visible);
        }

        [Fact]
        public void Nuspec_is_a_development_dependency_without_dependencies()
        {
            using var zip = ZipFile.OpenRead(package.PackagePath);
            using var stream = zip.GetEntry("ResilienceAnalyzers.nuspec")!.Open();
            var nuspec = XDocument.Load(stream);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("true", (string?)metadata.Element(ns + "developmentDependency"));
            Assert.Null(metadata.Element(ns + "dependencies"));
            Assert.Equal("Apache-2.0", (string?)metadata.Element(ns + "license"));
            Assert.NotNull(metadata.Element(ns + "repository"));
            Assert.Equal("README.md", (string?)metadata.Element(ns + "readme"));
        }

        /// <summary>
        /// The package must load in the .NET 8 SDK / Visual Studio 17.8 compiler (Roslyn 4.8): the analyzer
        /// assemblies may reference nothing newer, and the analyzer assembly not Workspaces at all (RS1038).
        /// </summary>
        [Theory]
        [InlineData("ResilienceAnalyzers.dll", false)]
        [InlineData("ResilienceAnalyzers.CodeFixes.dll", true)]
        [InlineData("Resilience.CostModel.dll", false)]
        public void Analyzer_assemblies_reference_Roslyn_4_8_at_most(string assembly, bool mayUseWorkspaces)
        {
            using var zip = ZipFile.OpenRead(package.PackagePath);
            using var memory = new MemoryStream();
            using (var entry = zip.GetEntry("analyzers/dotnet/cs/" + assembly)!.Open())
            {
                entry.CopyTo(memory);
            }

            memory.Position = 0;
            using var pe = new PEReader(memory);
            var reader = pe.GetMetadataReader();
            var references = reader.AssemblyReferences.Select(h => reader.GetAssemblyReference(h)).Select(r => (Name: reader.GetString(r.Name), r.Version)).ToList();
            Assert.Contains(references, r => r.Name == "netstandard" && r.Version == new Version(2, 0, 0, 0));
            foreach (var (name, version) in references.Where(r => r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)))
            {
                Assert.True(version <= new Version(4, 8, 0, 0), $"{assembly} references {name} {version}, newer than Roslyn 4.8");
                Assert.True(mayUseWorkspaces || !name.Contains("Workspaces"), $"{assembly} must not reference {name}");
            }

            Assert.DoesNotContain(references, r => r.Name.StartsWith("KubernetesClient", StringComparison.Ordinal));
        }
    }
}
