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

            var build = await BuildDiagnostics(AcrossTypes);
            diagnostic = Assert.Single(build);
            Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, diagnostic.Descriptor.CustomTags);
            Assert.Contains("Worker.LoopAsync", diagnostic.GetMessage(), StringComparison.Ordinal);
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

        private static async Task<ImmutableArray<Diagnostic>> DocumentDiagnostics(string source)
        {
            var compilation = Compile(source);
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RES1003PollingListAnalyzer()));
            var tree = compilation.SyntaxTrees.Single();
            return await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), filterSpan: null, CancellationToken.None);
        }

        private static async Task<ImmutableArray<Diagnostic>> BuildDiagnostics(string source)
            => await Compile(source).WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RES1003PollingListAnalyzer())).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
    }
}
