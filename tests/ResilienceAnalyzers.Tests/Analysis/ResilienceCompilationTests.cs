using System;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Analysis
{
    /// <summary>The per-compilation model: what the IDE sees live, and that the model goes away with its compilation.</summary>
    public class ResilienceCompilationTests
    {
        private const string WithinOneType = """
            using System.Threading.Tasks;
            using k8s;

            class Agent
            {
                private readonly IKubernetes client;
                public Agent(IKubernetes client) => this.client = client;
                Task RefreshAsync() => client.CoreV1.ListNodeAsync();
                async Task LoopAsync()
                {
                    while (true)
                    {
                        await RefreshAsync();
                        await Task.Delay(10_000);
                    }
                }
            }
            """;

        private const string AcrossTypes = """
            using System.Threading.Tasks;
            using k8s;

            class Repository
            {
                private readonly IKubernetes client;
                public Repository(IKubernetes client) => this.client = client;
                public Task RefreshAsync() => client.CoreV1.ListPodForAllNamespacesAsync();
            }

            class Worker
            {
                private readonly Repository repository;
                public Worker(Repository repository) => this.repository = repository;
                async Task LoopAsync()
                {
                    while (true)
                    {
                        await repository.RefreshAsync();
                        await Task.Delay(10_000);
                    }
                }
            }
            """;

        [Fact]
        public async Task A_chain_inside_one_type_is_reported_live_and_one_across_types_at_compilation_end()
        {
            // Document analysis (what an editor runs on an open file) runs no compilation-end action.
            var live = await DocumentDiagnostics(WithinOneType);
            var diagnostic = Assert.Single(live);
            Assert.Equal("RES1003", diagnostic.Id);
            Assert.DoesNotContain(WellKnownDiagnosticTags.CompilationEnd, diagnostic.Descriptor.CustomTags);

            Assert.Empty(await DocumentDiagnostics(AcrossTypes));

            // A build reads only the callers the driver has handed over within the type (it binds none), and compilation end
            // the rest: the same one diagnostic, whichever order the members were analyzed in.
            diagnostic = Assert.Single(await BuildDiagnostics(WithinOneType));
            Assert.Equal("RES1003", diagnostic.Id);
            Assert.Contains("Agent.LoopAsync", diagnostic.GetMessage(), StringComparison.Ordinal);

            var build = await BuildDiagnostics(AcrossTypes);
            diagnostic = Assert.Single(build);
            Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, diagnostic.Descriptor.CustomTags);
            Assert.Contains("Worker.LoopAsync", diagnostic.GetMessage(), StringComparison.Ordinal);
        }

        private const string ManyCallShapes = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using k8s;

            interface IRepository { Task RefreshAsync(); }

            class Repository : IRepository
            {
                private readonly IKubernetes client;
                public Repository(IKubernetes client) => this.client = client;
                public Task RefreshAsync() => client.CoreV1.ListPodForAllNamespacesAsync();
                public Task RefreshAsync(int unused) => RefreshAsync();
            }

            class Worker
            {
                private readonly IRepository repository;
                private readonly Func<Task> stored;
                private Timer? timer;
                private event EventHandler? Ticked;
                public Worker(IRepository repository)
                {
                    this.repository = repository;
                    stored = Poll;
                    Ticked += OnTick;
                }

                Task Poll() => repository.RefreshAsync();
                void OnTick(object? sender, EventArgs e) => Poll();
                void Tick(object? state) => _ = Poll();

                async Task LoopAsync()
                {
                    timer = new Timer(Tick, null, 0, 1000);
                    Func<Task> local = Poll;
                    await local();
                    await Task.Run(Poll);
                    await Task.Run(() => Poll());
                    await Nested();
                    await stored();

                    async Task Nested()
                    {
                        await Poll();
                        Func<Task> inner = () => repository.RefreshAsync();
                        await inner();
                    }
                }
            }
            """;

        [Fact]
        public async Task The_callers_recorded_by_the_driver_are_the_ones_a_syntax_walk_finds()
        {
            var compilation = Compile(ManyCallShapes);
            var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
            var analyzers = typeof(RES1003PollingListAnalyzer).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
                .ToImmutableArray();

            // Twice on one compilation (the IDE analyzes a snapshot more than once): a site recorded twice counts once.
            // The driver analyzes its own copy of the compilation: the model is that copy's, caught at compilation start.
            var catcher = new ModelCatcher();
            var withAnalyzers = compilation.WithAnalyzers(analyzers.Add(catcher), options);
            for (int run = 0; run < 2; run++)
            {
                await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            }

            var model = catcher.Model;
            Assert.NotNull(model);
            Assert.True(model!.Recorder.Any, "no rule recorded the compilation's calls");
            var walked = new CallerIndex(model);
            int compared = 0;
            foreach (var method in model.Compilation.GetSymbolsWithName(_ => true, SymbolFilter.Member).OfType<IMethodSymbol>())
            {
                var expected = walked.SitesOf(method).Select(Describe).ToList();
                var recorded = model.Callers.SitesOf(method).Select(Describe).ToList();

                // In the same order; the recording also has method groups the walk does not look for (a local's initializer).
                Assert.Equal(expected, recorded.Where(expected.Contains).ToList());
                Assert.All(recorded.Except(expected), extra => Assert.StartsWith("MethodReference", extra, StringComparison.Ordinal));
                compared += expected.Count;
            }

            var poll = model.Compilation.GetTypeByMetadataName("Worker")!.GetMembers("Poll").OfType<IMethodSymbol>().Single();
            Assert.Contains(model.Callers.SitesOf(poll), site => site.Operation.Syntax.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.EqualsValueClauseSyntax);

            // Poll: field, local, Task.Run group and lambda, local function, timer/event handlers' calls; RefreshAsync: through the interface.
            Assert.True(compared >= 12, "only " + compared + " call sites compared");
        }

        /// <summary>Hands over the shared model the rules use (same compilation, same options: the same model).</summary>
#pragma warning disable RS1036, RS2008, RS1012 // a test probe, never shipped: no release tracking, no actions of its own
        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        private sealed class ModelCatcher : DiagnosticAnalyzer
        {
            private static readonly DiagnosticDescriptor Never = new("TEST0001", "never", "never", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

            public ResilienceCompilation? Model { get; private set; }

            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

            public override void Initialize(AnalysisContext context)
            {
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.EnableConcurrentExecution();
                context.RegisterCompilationStartAction(start => Model = ResilienceCompilation.GetOrCreate(start.Compilation, start.Options));
            }
        }
#pragma warning restore RS1036, RS2008, RS1012

        private static string Describe(ResilienceAnalyzers.Analysis.CallSite site)
            => site.Operation.Kind + " " + site.Operation.Syntax + " @" + site.Operation.Syntax.SpanStart + " in " + site.Caller.ToDisplayString();

        [Fact]
        public async Task An_analysis_of_one_span_first_does_not_leave_the_compilation_end_search_without_callers()
        {
            // What an editor does: analyze the span on screen (here, only Repository), later the whole compilation. The
            // first pass records Repository's calls; the second must still record Worker's, or the chain is lost.
            var compilation = Compile(AcrossTypes);
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RES1003PollingListAnalyzer(), new RES1001UnboundedListAnalyzer()));
            var tree = compilation.SyntaxTrees.Single();
            var repository = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>().First(c => c.Identifier.ValueText == "Repository");
            await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), repository.Span, CancellationToken.None);

            var build = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.Contains(build, d => d.Id == "RES1003" && d.GetMessage().Contains("Worker.LoopAsync", StringComparison.Ordinal));
        }

        [Fact]
        public void A_build_searches_within_a_type_only_the_callers_the_driver_handed_over_and_an_editor_binds_the_rest()
        {
            // Nothing recorded yet: the driver has not reached LoopAsync. An editor's search reads the type's syntax and binds
            // it; a build's binds nothing and leaves the call to compilation end (docs/architecture.md).
            var compilation = Compile(WithinOneType);
            var agent = compilation.GetTypeByMetadataName("Agent")!;
            var refresh = agent.GetMembers("RefreshAsync").OfType<IMethodSymbol>().Single();

            var editor = ResilienceCompilation.GetOrCreate(compilation, new EditorOptions());
            Assert.True(editor.InEditor);
            var chain = editor.TypeChains(agent).RepeatedBy(refresh);
            Assert.NotNull(chain);
            Assert.Equal("LoopAsync", chain!.Sites[0].Caller.Name);

            var build = ResilienceCompilation.GetOrCreate(Compile(WithinOneType), new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty));
            Assert.False(build.InEditor);
            var buildAgent = build.Compilation.GetTypeByMetadataName("Agent")!;
            var buildRefresh = buildAgent.GetMembers("RefreshAsync").OfType<IMethodSymbol>().Single();
            Assert.Null(build.TypeChains(buildAgent).RepeatedBy(buildRefresh));
            Assert.True(build.TypeChains(buildAgent).Index.GrowsWithDriver);
        }

        [Fact]
        public void The_model_is_released_with_its_compilation()
        {
            var model = CreateAndDrop(out var compilation);
            GC.KeepAlive(compilation);
            for (int i = 0; i < 3 && (model.IsAlive || compilation.IsAlive); i++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }

            Assert.False(compilation.IsAlive, "the compilation is still referenced");
            Assert.False(model.IsAlive, "the per-compilation model outlived its compilation");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference CreateAndDrop(out WeakReference compilation)
        {
            var c = Compile(AcrossTypes);
            var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
            var model = ResilienceCompilation.GetOrCreate(c, options);
            Assert.Same(model, ResilienceCompilation.GetOrCreate(c, options));

            // Fill it: the caller index, a chain, semantic models.
            Assert.NotNull(model.CallChains.RepeatedBy(c.GetTypeByMetadataName("Repository")!.GetMembers("RefreshAsync").OfType<IMethodSymbol>().Single()));
            compilation = new WeakReference(c);
            return new WeakReference(model);
        }

        private static CSharpCompilation Compile(string source)
            => CSharpCompilation.Create(
                "Test",
                new[] { CSharpSyntaxTree.ParseText(source, path: "Test0.cs") },
                References.NetFramework.AddRange(References.KubernetesClient),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        /// <summary>What an editor runs on an open file: its own subclass of the options (the IDE's WorkspaceAnalyzerOptions), one document, no compilation end.</summary>
        private static async Task<ImmutableArray<Diagnostic>> DocumentDiagnostics(string source)
        {
            var compilation = Compile(source);
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RES1003PollingListAnalyzer()), new EditorOptions());
            var tree = compilation.SyntaxTrees.Single();
            return await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), filterSpan: null, CancellationToken.None);
        }

        private sealed class EditorOptions : AnalyzerOptions
        {
            public EditorOptions()
                : base(ImmutableArray<AdditionalText>.Empty)
            {
            }
        }

        private static async Task<ImmutableArray<Diagnostic>> BuildDiagnostics(string source)
            => await Compile(source).WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RES1003PollingListAnalyzer())).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
    }
}
