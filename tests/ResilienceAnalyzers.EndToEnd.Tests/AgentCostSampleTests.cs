using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace ResilienceAnalyzers.EndToEnd.Tests
{
    /// <summary>
    /// Resilience.Kubernetes.Testing as users get it: the packed package (lib for net8.0 and net10.0, KubernetesClient
    /// >= the lowest served, the ASP.NET Core shared framework), and samples/AgentCostTests — a user's own test suite
    /// restoring it from the folder feed — whose broken agent fails the accounting budget and fixed agent passes it.
    /// </summary>
    [Collection(PackageCollection.Name)]
    public sealed class AgentCostSampleTests(PackedPackage package)
    {
        [Fact]
        public void The_testing_package_holds_the_server_for_net8_and_net10_and_depends_on_the_lowest_client()
        {
            using var zip = ZipFile.OpenRead(Path.Combine(package.Feed, $"Resilience.Kubernetes.Testing.{package.Version}.nupkg"));
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("lib/net8.0/Resilience.Kubernetes.Testing.dll", entries);
            Assert.Contains("lib/net10.0/Resilience.Kubernetes.Testing.dll", entries);
            Assert.Contains("lib/net10.0/Resilience.Kubernetes.Testing.xml", entries);

            using var stream = zip.GetEntry("Resilience.Kubernetes.Testing.nuspec")!.Open();
            var nuspec = XDocument.Load(stream);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var lowest = typeof(AgentCostSampleTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "KubernetesClientVersions").Value!.Split(',')[0];
            var dependencies = nuspec.Descendants(ns + "dependency").Select(d => ((string?)d.Attribute("id"), (string?)d.Attribute("version"))).Distinct().ToArray();
            Assert.Equal(new (string?, string?)[] { ("KubernetesClient", lowest) }, dependencies);
            Assert.All(nuspec.Descendants(ns + "frameworkReference"), f => Assert.Equal("Microsoft.AspNetCore.App", (string?)f.Attribute("name")));
            Assert.Equal(2, nuspec.Descendants(ns + "frameworkReference").Count());
        }

        [Fact]
        public void The_sample_cost_tests_pass_against_the_packed_package_the_broken_agent_failing_its_budget()
        {
            var project = package.Consumer("AgentCostTests", "agent-cost-tests");

            var output = Dotnet.RunOk(project, "test", "-nologo");

            Assert.Matches(new Regex(@"Failed:\s+0, Passed:\s+2, Skipped:\s+0"), output);
        }
    }
}
