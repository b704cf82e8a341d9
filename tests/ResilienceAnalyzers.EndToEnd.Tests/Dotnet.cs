using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;

namespace ResilienceAnalyzers.EndToEnd.Tests
{
    /// <summary>Runs the dotnet CLI the way a user would, with a bounded time and the output kept for the assertion message.</summary>
    internal static class Dotnet
    {
        public static string RepositoryRoot { get; } = typeof(Dotnet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;

        public static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            // A nested build must not reuse the test run's MSBuild node or inherit its test-host variables.
            info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            info.Environment["DOTNET_NOLOGO"] = "1";
            info.Environment.Remove("MSBuildExtensionsPath");
            info.Environment.Remove("MSBuildSDKsPath");
            info.Environment.Remove("MSBUILD_EXE_PATH");

            var output = new StringBuilder();
            using var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit((int)TimeSpan.FromMinutes(5).TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("dotnet " + string.Join(' ', arguments) + " did not finish in 5 minutes:\n" + output);
            }

            process.WaitForExit();
            lock (output)
            {
                return (process.ExitCode, output.ToString());
            }
        }

        public static string RunOk(string workingDirectory, params string[] arguments)
        {
            var (exitCode, output) = Run(workingDirectory, arguments);
            if (exitCode != 0)
            {
                throw new InvalidOperationException("dotnet " + string.Join(' ', arguments) + " failed with exit code " + exitCode + ":\n" + output);
            }

            return output;
        }

        public static void CopyDirectory(string source, string destination, Func<string, bool> include)
        {
            Directory.CreateDirectory(destination);
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(source, file);
                if (!include(relative))
                {
                    continue;
                }

                string target = Path.Combine(destination, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }

        /// <summary>"path(line,col): warning RES1002: message [project]" → (file name, line, id, message).</summary>
        public static IReadOnlyList<(string File, int Line, string Id, string Message)> Warnings(string output)
        {
            var results = new List<(string, int, string, string)>();
            var pattern = new System.Text.RegularExpressions.Regex(@"(?<path>[^\s(]+)\((?<line>\d+),\d+\): (warning|error|info) (?<id>RES\d{4}): (?<message>.*?)( \(https?://[^)]*\))? \[");
            foreach (System.Text.RegularExpressions.Match m in pattern.Matches(output))
            {
                results.Add((Path.GetFileName(m.Groups["path"].Value), int.Parse(m.Groups["line"].Value), m.Groups["id"].Value, m.Groups["message"].Value));
            }

            return results.Distinct().ToList();
        }
    }
}
