using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Xunit;

namespace ResilienceAnalyzers.EndToEnd.Tests
{
    /// <summary>
    /// A project pinned to any served version of a client adds the runtime package that wraps it: no NU1605
    /// (downgrade, an error) and no silent upgrade of the user's pin. Guards the packages' dependency floor, which the
    /// package-matrix test runs (build.sh) cannot see: they build from source.
    /// </summary>
    [Collection(PackageCollection.Name)]
    public sealed class RuntimePackageTests(PackedPackage package)
    {
        public static TheoryData<string, string, string> PinnedClients()
        {
            var data = new TheoryData<string, string, string>();
            foreach (var (client, runtime) in new[] { ("KubernetesClient", "Resilience.Kubernetes"), ("KubernetesClient", "Resilience.Kubernetes.Testing"), ("DnsClient", "Resilience.Dns.DnsClient") })
            {
                var versions = typeof(RuntimePackageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .Single(a => a.Key == client + "Versions").Value!;
                foreach (var version in versions.Split(','))
                {
                    data.Add(runtime, client, version);
                }
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(PinnedClients))]
        public void A_project_pinned_to_a_served_client_version_adds_the_runtime_package(string runtime, string client, string version)
        {
            string project = package.Repository($"pinned-{runtime}-{version}");
            File.WriteAllText(Path.Combine(project, "Pinned.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net8.0</TargetFramework>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="{client}" Version="{version}" />
                    <PackageReference Include="{runtime}" Version="{package.Version}" />
                  </ItemGroup>
                </Project>
                """);

            var (exitCode, output) = Dotnet.Run(project, "restore", "-nologo");
            Assert.True(exitCode == 0, output);
            Assert.DoesNotContain("NU1605", output);
            Assert.DoesNotContain("NU1608", output);

            using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(project, "obj", "project.assets.json")));
            var resolved = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Contains($"{client}/{version}", resolved);
            Assert.Contains($"{runtime}/{package.Version}", resolved);
        }
    }
}
