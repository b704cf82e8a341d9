using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ResilienceAnalyzers.Tests.Infrastructure;
using ResilienceAnalyzers.Tests.Meta;

namespace ResilienceAnalyzers.Tests.Robustness
{
    /// <summary>
    /// Runs every analyzer and fixer of the package over real files the way a build or an IDE would:
    /// an <see cref="AdhocWorkspace"/> project with the real client and runtime assemblies, settings of a
    /// DaemonSet on 5,000 nodes, every rule on (RES2003 too), and every analyzer exception captured instead of swallowed.
    /// </summary>
    internal sealed class CorpusWorkspace
    {
        public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = RuleCatalogTests.Analyzers.ToImmutableArray();

        public static string CorpusDirectory { get; } = Path.Combine(Path.GetDirectoryName(typeof(CorpusWorkspace).Assembly.Location)!, "Corpus");

        public static IEnumerable<string> Files(string folder) => Directory.GetFiles(Path.Combine(CorpusDirectory, folder), "*.cs").OrderBy(f => f, StringComparer.Ordinal);

        public static IEnumerable<MetadataReference> AllReferences()
            => References.NetFramework
                .Concat(References.KubernetesClient)
                .Append(References.DnsClient)
                .Append(References.ResilienceDns)
                .Append(References.ResilienceKubernetes);

        public static Project CreateProject(IEnumerable<(string Name, string Text)> documents, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
        {
            var workspace = new AdhocWorkspace();
            var project = workspace.AddProject(ProjectInfo.Create(
                ProjectId.CreateNewId(),
                VersionStamp.Create(),
                "Corpus",
                "Corpus",
                LanguageNames.CSharp,
                // RES2003 at Info everywhere, so its one-shot suggestions and its fix are exercised too.
                compilationOptions: new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable)
                    .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["RES2003"] = ReportDiagnostic.Info }),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: AllReferences()));
            foreach (var (name, text) in documents)
            {
                project = project.AddDocument(name, text, filePath: "/corpus/" + name).Project;
            }

            return project;
        }

        /// <summary>Analyzer diagnostics plus the exceptions any analyzer threw (each one an AD0001 in a user's build).</summary>
        public static async Task<(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<string> Exceptions)> AnalyzeAsync(Compilation compilation, CancellationToken cancellationToken = default)
        {
            var exceptions = new List<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new Settings()),
                onAnalyzerException: (e, analyzer, diagnostic) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add(analyzer.GetType().Name + ": " + e);
                    }
                },
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false);
            var diagnostics = await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync(cancellationToken);
            exceptions.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.GetMessage()));
            return (diagnostics.Where(d => d.Id.StartsWith("RES", StringComparison.Ordinal)).ToImmutableArray(), exceptions);
        }

        /// <summary>Every code action every fixer offers for <paramref name="diagnostic"/>.</summary>
        public static async Task<IReadOnlyList<(CodeFixProvider Fixer, CodeAction Action)>> FixesAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken = default)
        {
            var actions = new List<(CodeFixProvider, CodeAction)>();
            foreach (var fixer in RuleCatalogTests.Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add((fixer, action)), cancellationToken);
                await fixer.RegisterCodeFixesAsync(context);
            }

            return actions;
        }

        public static async Task<Solution> ApplyAsync(CodeAction action, Solution solution, CancellationToken cancellationToken = default)
        {
            foreach (var operation in await action.GetOperationsAsync(cancellationToken))
            {
                if (operation is ApplyChangesOperation apply)
                {
                    return apply.ChangedSolution;
                }
            }

            return solution;
        }

        /// <summary>The corpus runs as a DaemonSet on 5,000 nodes: the most demanding configuration for the rules.</summary>
        private sealed class Settings : AnalyzerConfigOptionsProvider
        {
            private static readonly AnalyzerConfigOptions Options = new Values(new Dictionary<string, string>
            {
                ["build_property.ResilienceWorkload"] = "DaemonSet",
                ["build_property.ResilienceClusterNodes"] = "5000",
            });

            public override AnalyzerConfigOptions GlobalOptions => Options;

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Values.Empty;

            private sealed class Values : AnalyzerConfigOptions
            {
                public static readonly Values Empty = new Values(new Dictionary<string, string>());

                private readonly Dictionary<string, string> values;

                public Values(Dictionary<string, string> values) => this.values = values;

                public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
                    => values.TryGetValue(key, out value);
            }
        }
    }
}
