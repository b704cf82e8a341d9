using System.IO;
using Xunit;

namespace ResilienceAnalyzers.EndToEnd.Tests
{
    /// <summary><c>dotnet format analyzers</c> applies the packed package's code fixes, and the result builds.</summary>
    [Collection(PackageCollection.Name)]
    public sealed class FormatTests(PackedPackage package)
    {
        [Fact]
        public void Dotnet_format_scopes_the_agent_to_its_node_and_the_result_builds_without_RES1002()
        {
            string project = package.Consumer("NodeTelemetryAgent", "format");
            string file = Path.Combine(project, "TelemetryAgent.cs");
            string before = File.ReadAllText(file);
            Dotnet.RunOk(project, "restore", "-nologo");

            Dotnet.RunOk(project, "format", "analyzers", "NodeTelemetryAgent.csproj", "--diagnostics", "RES1002", "--severity", "warn", "--no-restore");
            string after = File.ReadAllText(file);

            Assert.NotEqual(before, after);
            Assert.Contains("ListPodForAllNamespacesAsync(cancellationToken: stoppingToken, fieldSelector: \"spec.nodeName=\" + nodeName)", after);
            Assert.Contains("ListNodeAsync(cancellationToken: stoppingToken, fieldSelector: \"metadata.name=\" + nodeName)", after);

            string build = Dotnet.RunOk(project, "build", "-nologo", "--no-restore");
            Assert.DoesNotContain(Dotnet.Warnings(build), w => w.Id == "RES1002");
            Assert.Contains(Dotnet.Warnings(build), w => w.Id == "RES1003");
        }
    }
}
