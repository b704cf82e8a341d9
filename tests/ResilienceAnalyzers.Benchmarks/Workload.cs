using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ResilienceAnalyzers.Benchmarks;

/// <summary>
/// The project being compiled: <see cref="WorkloadGenerator"/>'s files plus the sample agent
/// (samples/NodeTelemetryAgent/*.cs, whole: Program.cs too), parsed once, against the SDK's reference packs
/// (Microsoft.NETCore.App.Ref and Microsoft.AspNetCore.App.Ref, which carries the sample's hosting and logging
/// APIs; nothing is downloaded), the real KubernetesClient 21.0.8 and DnsClient 1.8.0. The sample needs nothing
/// of Resilience.Dns / Resilience.Kubernetes: only the code fixes call them.
/// </summary>
public sealed class Workload
{
    /// <summary>A service-sized project: 200 generated files (about 14,000 invocations) plus the sample.</summary>
    public const int FullFiles = 200;

    /// <summary>The quick sanity run's size: the same shapes, every rule still triggered.</summary>
    public const int QuickFiles = 10;

    /// <summary>What the Worker SDK's ImplicitUsings add to the sample (Microsoft.NET.Sdk.Worker's global usings).</summary>
    private const string SampleGlobalUsings = """
        global using global::Microsoft.Extensions.Configuration;
        global using global::Microsoft.Extensions.DependencyInjection;
        global using global::Microsoft.Extensions.Hosting;
        global using global::Microsoft.Extensions.Logging;
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private Workload(int files, CSharpCompilation compilation, WorkloadOptions options)
    {
        Files = files;
        Compilation = compilation;
        Options = options;
    }

    public int Files { get; }

    /// <summary>Parsed and bound nowhere yet: clone it for every measured compile (<see cref="FreshCompilation"/>).</summary>
    public CSharpCompilation Compilation { get; }

    public WorkloadOptions Options { get; }

    public int SyntaxTrees => Compilation.SyntaxTrees.Count();

    /// <summary>Invocation expressions in the workload's syntax (its size, for the docs).</summary>
    public int Invocations => Compilation.SyntaxTrees.Sum(t => t.GetRoot().DescendantNodes().Count(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax));

    /// <summary>The same project with no semantic state: binding, and so every analyzer callback, happens again.</summary>
    public CSharpCompilation FreshCompilation() => Compilation.Clone();

    public static Workload Create(int files)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree>();
        foreach (var (path, text) in WorkloadGenerator.Files(files))
        {
            trees.Add(CSharpSyntaxTree.ParseText(SourceText.From(text, Encoding.UTF8), parse, path));
        }

        string sample = Path.Combine(Paths.RepositoryRoot, "samples", "NodeTelemetryAgent");
        foreach (string file in Directory.GetFiles(sample, "*.cs").OrderBy(f => f, StringComparer.Ordinal))
        {
            trees.Add(CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(file), Encoding.UTF8), parse, "samples/NodeTelemetryAgent/" + Path.GetFileName(file)));
        }

        trees.Add(CSharpSyntaxTree.ParseText(SourceText.From(SampleGlobalUsings, Encoding.UTF8), parse, "obj/NodeTelemetryAgent.GlobalUsings.g.cs"));

        // Single-threaded binding and analysis: the numbers are CPU cost on a shared 2-core machine, not wall time
        // saved by parallelism (a real build runs concurrently; the ratios hold).
        var options = new CSharpCompilationOptions(
                OutputKind.ConsoleApplication,
                nullableContextOptions: NullableContextOptions.Enable,
                concurrentBuild: false)
            // RES2003 is off by default; turned on so that its analyzer runs and is measured like the others.
            .WithSpecificDiagnosticOptions(ImmutableDictionary<string, ReportDiagnostic>.Empty
                .Add("RES2003", ReportDiagnostic.Info)
                // The SDK's default NoWarn: assembly-version unification notices.
                .Add("CS1701", ReportDiagnostic.Suppress)
                .Add("CS1702", ReportDiagnostic.Suppress));

        var compilation = CSharpCompilation.Create("ContosoFleet", trees, Paths.References(), options);
        return new Workload(files, compilation, new WorkloadOptions());
    }
}

/// <summary>
/// The analyzer configuration an MSBuild build would pass: the sample's project properties (DaemonSet, 5,000
/// nodes, 30 pods per node) for everything, and an .editorconfig section that makes the generated service
/// code a 3-replica Deployment.
/// </summary>
public sealed class WorkloadOptions : AnalyzerConfigOptionsProvider
{
    private static readonly DictionaryOptions Empty = new(ImmutableDictionary<string, string>.Empty);

    private static readonly DictionaryOptions Global = new(ImmutableDictionary<string, string>.Empty
        .Add("build_property.ResilienceWorkload", "DaemonSet")
        .Add("build_property.ResilienceClusterNodes", "5000")
        .Add("build_property.ResiliencePodsPerNode", "30"));

    private static readonly DictionaryOptions Generated = new(ImmutableDictionary<string, string>.Empty
        .Add("resilience.workload", "Deployment")
        .Add("resilience.replicas", "3"));

    public override AnalyzerConfigOptions GlobalOptions => Global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree)
        => tree.FilePath.StartsWith(WorkloadGenerator.Folder, StringComparison.Ordinal) ? Generated : Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

    public AnalyzerOptions ToAnalyzerOptions() => new(ImmutableArray<AdditionalText>.Empty, this);

    private sealed class DictionaryOptions(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            => values.TryGetValue(key, out value);
    }
}

/// <summary>Where things are, without downloading anything (the same approach as the analyzer tests' References.cs).</summary>
public static class Paths
{
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    public static string MeziantouAnalyzerVersion => Metadata("MeziantouAnalyzerVersion");

    public static string NetAnalyzersVersion => Metadata("NetAnalyzersVersion");

    public static string Package(string id, string version, string relative)
    {
        string path = Path.Combine(NuGetPackageRoot, id.ToLowerInvariant(), version, relative);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"{id} {version} was not restored (PackageDownload in ResilienceAnalyzers.Benchmarks.csproj).", path);
        }

        return path;
    }

    /// <summary>The reference packs of the SDK running this (…/shared/Microsoft.NETCore.App/&lt;v&gt; → …/packs/&lt;pack&gt;.Ref/&lt;v&gt;/ref/net&lt;major&gt;.0), the client and DnsClient.</summary>
    public static ImmutableArray<MetadataReference> References()
    {
        string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        string major = Path.GetFileName(runtimeDir).Split('.')[0];
        var references = new List<MetadataReference>();
        foreach (string pack in new[] { "Microsoft.NETCore.App.Ref", "Microsoft.AspNetCore.App.Ref" })
        {
            string packs = Path.Combine(dotnetRoot, "packs", pack);
            string dir = (Directory.Exists(packs) ? Directory.GetDirectories(packs) : Array.Empty<string>())
                .Select(d => Path.Combine(d, "ref", "net" + major + ".0"))
                .Where(Directory.Exists)
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault()
                ?? throw new DirectoryNotFoundException(pack + " for net" + major + ".0 is not installed under " + packs);
            references.AddRange(Directory.GetFiles(dir, "*.dll")
                .Where(f => !Path.GetFileName(f).StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal))
                .Select(f => MetadataReference.CreateFromFile(f)));
        }

        references.Add(MetadataReference.CreateFromFile(typeof(k8s.Kubernetes).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(DnsClient.LookupClient).Assembly.Location));

        // The client's public surface uses a few non-framework assemblies; they are copied beside this program.
        string bin = AppContext.BaseDirectory;
        foreach (var name in typeof(k8s.Kubernetes).Assembly.GetReferencedAssemblies().Concat(typeof(DnsClient.LookupClient).Assembly.GetReferencedAssemblies()))
        {
            string candidate = Path.Combine(bin, name.Name + ".dll");
            if (File.Exists(candidate) && !references.OfType<PortableExecutableReference>().Any(r => string.Equals(Path.GetFileName(r.FilePath), name.Name + ".dll", StringComparison.OrdinalIgnoreCase)))
            {
                references.Add(MetadataReference.CreateFromFile(candidate));
            }
        }

        return references.ToImmutableArray();
    }

    private static string Metadata(string key)
        => typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
           ?? throw new InvalidOperationException(key + " is not set");
}
