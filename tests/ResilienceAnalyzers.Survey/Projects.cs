using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

// What a survey compiles and how: the command line, the projects found under a directory, their compilations against
// the SDK reference packs and KubernetesClient, and the MSBuild properties handed to the analyzers. Also compiled into
// tests/ResilienceAnalyzers.Benchmarks (linked), whose --real mode times the analyzers on the same compilations.
namespace ResilienceAnalyzers.Survey;

internal sealed class Options
{
    public const string Usage =
        "usage: ResilienceAnalyzers.Survey <dir> [--workload DaemonSet|Deployment|StatefulSet|Job|None] [--replicas N] [--nodes N]\n" +
        "       [--pods-per-node N] [--skip-tests] [--single] [--calls] [--errors] [--no-aspnet]\n" +
        "       [--only <folder>]... [--exclude <folder>]... [--labels <file.tsv|dir>]... [--labels-only]\n" +
        "   or: ResilienceAnalyzers.Survey --manifest <manifest.tsv> [--survey-dir <dir>] [--labels-only] [--fixes]\n" +
        "  --fixes       apply every offered code fix alone and as Fix All per project; report offered/applied/compiled/removed per rule\n" +
        "  --single      one compilation for the whole directory (projects that reference each other), instead of one per *.csproj folder\n" +
        "  --skip-tests  skip folders named test/tests/samples or ending in .Test(s)/.Tests.* (bin/obj are always skipped)\n" +
        "  --calls       print every KubernetesClient call site (recognized LIST/WATCH, other API calls, unrecognized list/watch-looking calls)\n" +
        "  --errors      print the most frequent compile errors per project (the compilations are partial by design)\n" +
        "  --only F      analyze only files under F (relative to <dir>, the repository root); repeatable\n" +
        "  --exclude F   skip files under F (relative to <dir>); repeatable\n" +
        "  --labels L    score the diagnostics against label rows (path, line, family, FLAG|OK, why; see labels/README.md); repeatable, or a folder of *.tsv\n" +
        "  --labels-only print the label scores, not every diagnostic and call\n" +
        "  --manifest M  run every entry of M (label file, repository root under --survey-dir, flags) and print per-family totals\n" +
        "  --survey-dir  where the manifest's repository roots are (default: $SURVEY_DIR, else /work/survey)";

    public string Root { get; private set; } = "";

    public string? Workload { get; private set; }

    public string? Replicas { get; private set; }

    public string? Nodes { get; private set; }

    public string? PodsPerNode { get; private set; }

    public bool SkipTests { get; private set; }

    public bool PrintCalls { get; private set; }

    public bool PrintErrors { get; private set; }

    public bool AspNet { get; private set; } = true;

    public bool Single { get; private set; }

    public List<string> Only { get; } = new();

    public List<string> Exclude { get; } = new();

    public List<string> Labels { get; } = new();

    public bool LabelsOnly { get; private set; }

    /// <summary>--fixes: apply every offered code fix and check that it compiles and removes its diagnostic (<see cref="FixCompile"/>).</summary>
    public bool Fixes { get; private set; }

    /// <summary>--hosting (with --fixes): the fixed projects also reference Resilience.Kubernetes.Hosting, so RES1003's fix may take the shared informer from DI.</summary>
    public bool Hosting { get; private set; }

    public string? Manifest { get; private set; }

    public string SurveyDir { get; private set; } = Environment.GetEnvironmentVariable("SURVEY_DIR") is { Length: > 0 } d ? d : "/work/survey";

    /// <summary>The command-line switches that apply to every manifest entry.</summary>
    public IEnumerable<string> PassThrough()
    {
        if (LabelsOnly)
        {
            yield return "--labels-only";
        }

        if (PrintCalls)
        {
            yield return "--calls";
        }

        if (PrintErrors)
        {
            yield return "--errors";
        }

        if (Fixes)
        {
            yield return "--fixes";
        }

        if (Hosting)
        {
            yield return "--hosting";
        }
    }

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException(arg + " needs a value");
            switch (arg)
            {
                case "--workload": options.Workload = Next(); break;
                case "--replicas": options.Replicas = Next(); break;
                case "--nodes": options.Nodes = Next(); break;
                case "--pods-per-node": options.PodsPerNode = Next(); break;
                case "--skip-tests": options.SkipTests = true; break;
                case "--calls": options.PrintCalls = true; break;
                case "--errors": options.PrintErrors = true; break;
                case "--no-aspnet": options.AspNet = false; break;
                case "--single": options.Single = true; break;
                case "--only": options.Only.Add(NormalizeFolder(Next())); break;
                case "--exclude": options.Exclude.Add(NormalizeFolder(Next())); break;
                case "--labels": options.Labels.Add(Path.GetFullPath(Next())); break;
                case "--labels-only": options.LabelsOnly = true; break;
                case "--fixes": options.Fixes = true; break;
                case "--hosting": options.Hosting = true; break;
                case "--manifest": options.Manifest = Path.GetFullPath(Next()); break;
                case "--survey-dir": options.SurveyDir = Path.GetFullPath(Next()); break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal) || options.Root.Length > 0)
                    {
                        throw new ArgumentException("unknown argument " + arg);
                    }

                    options.Root = Path.GetFullPath(arg);
                    break;
            }
        }

        if (options.Manifest != null)
        {
            if (options.Root.Length > 0 || options.Labels.Count > 0)
            {
                throw new ArgumentException("--manifest takes its directories and label files from the manifest; give no <dir> or --labels");
            }

            return File.Exists(options.Manifest) ? options : throw new ArgumentException("no manifest at " + options.Manifest);
        }

        if (options.Root.Length == 0 || !Directory.Exists(options.Root))
        {
            throw new ArgumentException("give an existing directory");
        }

        foreach (string folder in options.Only.Where(f => !Directory.Exists(Path.Combine(options.Root, f))))
        {
            throw new ArgumentException("--only " + folder + ": no such folder under " + options.Root);
        }

        foreach (string labels in options.Labels.Where(l => !File.Exists(l) && !Directory.Exists(l)))
        {
            throw new ArgumentException("--labels " + labels + ": no such file or folder");
        }

        return options;
    }

    private static string NormalizeFolder(string folder) => folder.Replace('\\', '/').Trim('/');

    /// <summary>Whether a file (relative to the root, with '/') is in the --only folders and not in an --exclude folder.</summary>
    public bool Includes(string relative)
        => (Only.Count == 0 || Only.Any(f => Under(relative, f))) && !Exclude.Any(f => Under(relative, f));

    private static bool Under(string relative, string folder)
        => folder.Length == 0 || relative.StartsWith(folder + "/", StringComparison.Ordinal);

    /// <summary>The MSBuild properties a consumer would set, as the analyzers read them (build_property.*).</summary>
    public Dictionary<string, string> GlobalOptions()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Workload != null)
        {
            values["build_property.ResilienceWorkload"] = Workload;
        }

        if (Replicas != null)
        {
            values["build_property.ResilienceReplicas"] = Replicas;
        }

        if (Nodes != null)
        {
            values["build_property.ResilienceClusterNodes"] = Nodes;
        }

        if (PodsPerNode != null)
        {
            values["build_property.ResiliencePodsPerNode"] = PodsPerNode;
        }

        return values;
    }

    public string Describe()
        => "workload=" + (Workload ?? "(unset)") + " replicas=" + (Replicas ?? "(unset)") + " nodes=" + (Nodes ?? "(default)")
           + " pods-per-node=" + (PodsPerNode ?? "(default)")
           + (Only.Count > 0 ? " only=" + string.Join(",", Only) : "") + (Exclude.Count > 0 ? " exclude=" + string.Join(",", Exclude) : "");
}

internal sealed class Project
{
    public Project(string directory, List<string> files, List<string> globalUsings)
    {
        Directory = directory;
        Files = files;
        GlobalUsings = globalUsings;
    }

    public string Directory { get; }

    public List<string> Files { get; }

    public List<string> GlobalUsings { get; }

    /// <summary>
    /// The project's files (and its implicit global usings, as one more tree) parsed with a modern target framework's
    /// symbols, in one compilation: an executable when a file has top-level statements, else a library.
    /// </summary>
    public CSharpCompilation Compile(ImmutableArray<MetadataReference> references)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: Projects.PreprocessorSymbols);
        var trees = new List<SyntaxTree>();
        foreach (string file in Files)
        {
            trees.Add(CSharpSyntaxTree.ParseText(File.ReadAllText(file), parseOptions, path: file));
        }

        if (GlobalUsings.Count > 0)
        {
            string usings = string.Concat(GlobalUsings.Select(u => "global using " + u + ";\n"));
            trees.Add(CSharpSyntaxTree.ParseText(usings, parseOptions, path: Path.Combine(Directory, "<survey-global-usings>.cs")));
        }

        return CSharpCompilation.Create(
            "Survey_" + Path.GetFileName(Directory),
            trees,
            references,
            new CSharpCompilationOptions(
                // Top-level statements need an executable; everything else compiles as a library.
                trees.Any(t => t.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any()) ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true));
    }
}

internal static class Projects
{
    /// <summary>Modern target frameworks' symbols, so #if NET8_0_OR_GREATER branches are the ones analyzed.</summary>
    public static readonly string[] PreprocessorSymbols =
    {
        "NET", "NETCOREAPP", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER", "NET5_0_OR_GREATER", "NET6_0_OR_GREATER",
        "NET7_0_OR_GREATER", "NET8_0_OR_GREATER", "NET9_0_OR_GREATER", "NET10_0_OR_GREATER", "NET10_0", "RELEASE",
    };

    private static readonly string[] SdkUsings =
    {
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
    };

    private static readonly string[] WebUsings =
    {
        "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    };

    private static readonly string[] WorkerUsings =
    {
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    };

    private static readonly Regex UsingItem = new("<Using\\s+Include=\"(?<ns>[A-Za-z0-9_.]+)\"(?<rest>[^>]*)>", RegexOptions.Compiled);

    public static IEnumerable<Project> Find(Options options)
    {
        var byProject = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(options.Root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(options.Root, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (!options.Includes(string.Join('/', parts))
                || parts.Take(parts.Length - 1).Any(p => p is "bin" or "obj" || (options.SkipTests && IsTestFolder(p))))
            {
                continue;
            }

            string owner = ProjectDirectory(options.Root, Path.GetDirectoryName(file)!);
            if (!byProject.TryGetValue(owner, out var list))
            {
                byProject[owner] = list = new List<string>();
            }

            list.Add(file);
        }

        if (options.Single)
        {
            // One compilation: every file, and the union of the projects' global usings.
            var all = byProject.Values.SelectMany(f => f).OrderBy(f => f, StringComparer.Ordinal).ToList();
            var usings = byProject.Keys.SelectMany(d => GlobalUsings(options.Root, d)).Distinct(StringComparer.Ordinal).ToList();
            yield return new Project(options.Root, all, usings);
            yield break;
        }

        foreach (var (directory, files) in byProject)
        {
            files.Sort(StringComparer.Ordinal);
            yield return new Project(directory, files, GlobalUsings(options.Root, directory));
        }
    }

    private static bool IsTestFolder(string name)
    {
        string lower = name.ToLowerInvariant();
        return lower is "test" or "tests" or "samples" or "sample" or "testing"
            || lower.EndsWith(".test", StringComparison.Ordinal) || lower.EndsWith(".tests", StringComparison.Ordinal)
            || lower.Contains(".tests.", StringComparison.Ordinal) || lower.Contains(".test.", StringComparison.Ordinal)
            || lower.EndsWith(".testkit", StringComparison.Ordinal) || lower.EndsWith("tests", StringComparison.Ordinal);
    }

    /// <summary>The nearest folder (up to the root) that holds a project file; else the root.</summary>
    private static string ProjectDirectory(string root, string directory)
    {
        for (string? d = directory; d != null && d.Length >= root.Length; d = Path.GetDirectoryName(d))
        {
            if (Directory.EnumerateFiles(d, "*.csproj").Any())
            {
                return d;
            }
        }

        return root;
    }

    /// <summary>ImplicitUsings and &lt;Using&gt; items, read crudely from the project file and the Directory.Build.props above it.</summary>
    private static List<string> GlobalUsings(string root, string directory)
    {
        var files = new List<string>();
        files.AddRange(Directory.EnumerateFiles(directory, "*.csproj"));
        for (string? d = directory; d != null; d = Path.GetDirectoryName(d))
        {
            string props = Path.Combine(d, "Directory.Build.props");
            if (File.Exists(props))
            {
                files.Add(props);
            }
        }

        var usings = new List<string>();
        bool implicitUsings = false;
        bool web = false;
        bool worker = false;
        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            implicitUsings |= Regex.IsMatch(text, "<ImplicitUsings>\\s*(enable|true)\\s*</ImplicitUsings>", RegexOptions.IgnoreCase);
            web |= text.Contains("Microsoft.NET.Sdk.Web", StringComparison.Ordinal);
            worker |= text.Contains("Microsoft.NET.Sdk.Worker", StringComparison.Ordinal);
            foreach (Match m in UsingItem.Matches(text))
            {
                if (!m.Groups["rest"].Value.Contains("Static", StringComparison.Ordinal) && !m.Groups["rest"].Value.Contains("Alias", StringComparison.Ordinal))
                {
                    usings.Add(m.Groups["ns"].Value);
                }
            }
        }

        if (implicitUsings)
        {
            usings.AddRange(SdkUsings);
            usings.AddRange(web ? WebUsings : worker ? WorkerUsings : Array.Empty<string>());
        }

        return usings.Distinct(StringComparer.Ordinal).ToList();
    }
}

internal static class References
{
    /// <summary>The SDK's reference packs (no download), found from the running runtime as the tests do, and KubernetesClient 21.0.8.</summary>
    public static ImmutableArray<MetadataReference> Load(bool aspNet)
    {
        string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        string major = Path.GetFileName(runtimeDir).Split('.')[0];
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pack in aspNet ? new[] { "Microsoft.NETCore.App.Ref", "Microsoft.AspNetCore.App.Ref" } : new[] { "Microsoft.NETCore.App.Ref" })
        {
            string? refDir = RefDirectory(Path.Combine(dotnetRoot, "packs", pack), major);
            if (refDir == null)
            {
                if (pack == "Microsoft.NETCore.App.Ref")
                {
                    refDir = runtimeDir;
                }
                else
                {
                    Console.Error.WriteLine("note: " + pack + " not found; compiling without it");
                    continue;
                }
            }

            foreach (string dll in Directory.GetFiles(refDir, "*.dll"))
            {
                string name = Path.GetFileNameWithoutExtension(dll);
                if (!name.StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal))
                {
                    paths.TryAdd(name, dll);
                }
            }
        }

        var client = typeof(k8s.Kubernetes).Assembly;
        paths["KubernetesClient"] = client.Location;
        string bin = AppContext.BaseDirectory;
        foreach (var name in client.GetReferencedAssemblies())
        {
            string candidate = Path.Combine(bin, name.Name + ".dll");
            if (File.Exists(candidate))
            {
                paths.TryAdd(name.Name!, candidate);
            }
        }

        return paths.Values.OrderBy(p => p, StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    private static string? RefDirectory(string packs, string major)
        => Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .Select(d => Path.Combine(d, "ref", "net" + major + ".0"))
                .Where(Directory.Exists)
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
}

internal sealed class ConfigProvider : AnalyzerConfigOptionsProvider
{
    private readonly Config global;
    private static readonly Config Empty = new(new Dictionary<string, string>());

    public ConfigProvider(Dictionary<string, string> globalValues) => global = new Config(globalValues);

    public override AnalyzerConfigOptions GlobalOptions => global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

    private sealed class Config : AnalyzerConfigOptions
    {
        private readonly Dictionary<string, string> values;

        public Config(Dictionary<string, string> values) => this.values = values;

        public override bool TryGetValue(string key, out string value)
        {
            if (values.TryGetValue(key, out var found))
            {
                value = found;
                return true;
            }

            value = null!;
            return false;
        }
    }
}
