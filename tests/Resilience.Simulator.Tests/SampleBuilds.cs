using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace Resilience.Simulator.Tests
{
    /// <summary>
    /// One real build of samples/NodeTelemetryAgent and its fixed twin with <c>-p:ErrorLog=…%2Cversion=2.1</c>, shared by the
    /// forecast tests: the analyzers and the runtime packages the samples reference are packed into a folder feed under
    /// a version no other run used (the NuGet cache never serves a stale copy), the samples copied next to it and built.
    /// </summary>
    public sealed class SampleBuilds : IDisposable
    {
        public SampleBuilds()
        {
            Root = Path.Combine(Path.GetTempPath(), "resilience-forecast-" + Environment.ProcessId + "-" + Stopwatch.GetTimestamp());
            string feed = Path.Combine(Root, "feed");
            string version = "0.1.0-forecast." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;
            foreach (var project in new[] { "ResilienceAnalyzers.Package", "Resilience.Kubernetes", "Resilience.Dns" })
            {
                Dotnet(Run.RepositoryRoot, "pack", Path.Combine("src", project, project + ".csproj"), "-c", "Release", "-o", feed, "-p:Version=" + version, "-nologo", "-m:1");
            }

            File.WriteAllText(Path.Combine(Root, "NuGet.config"), "<configuration><packageSources><clear /><add key=\"local\" value=\"" + feed + "\" />"
                + "<add key=\"nuget.org\" value=\"https://api.nuget.org/v3/index.json\" protocolVersion=\"3\" /></packageSources></configuration>");
            File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project><PropertyGroup><ResilienceAnalyzersVersion>" + version + "</ResilienceAnalyzersVersion></PropertyGroup></Project>");
            File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />");
            Broken = Build("NodeTelemetryAgent");
            Fixed = Build("NodeTelemetryAgent.Fixed");
        }

        public string Root { get; }

        /// <summary>The SARIF 2.1 log of samples/NodeTelemetryAgent.</summary>
        public string Broken { get; }

        /// <summary>The SARIF 2.1 log of samples/NodeTelemetryAgent.Fixed.</summary>
        public string Fixed { get; }

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

        private string Build(string sample)
        {
            string target = Path.Combine(Root, sample);
            string source = Path.Combine(Run.RepositoryRoot, "samples", sample);
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }

            string log = Path.Combine(Root, sample + ".sarif");
            Dotnet(target, "build", "-nologo", "-m:1", "-p:ErrorLog=" + log + "%2Cversion=2.1");
            return log;
        }

        private static void Dotnet(string directory, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) start.ArgumentList.Add(a);
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("dotnet " + string.Join(" ", args) + " failed (" + process.ExitCode + "):\n" + stdout + stderr.Result);
        }
    }

    [CollectionDefinition(Name)]
    public sealed class SampleBuildsCollection : ICollectionFixture<SampleBuilds>
    {
        public const string Name = "sample builds";
    }
}
