using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Analysis
{
    /// <summary>The one "belongs to namespace" test, compared name by name.</summary>
    public class NamespacesTests
    {
        private static readonly Compilation Compilation = CSharpCompilation.Create("N", references: References.NetFramework);

        [Theory]
        [InlineData("System.Threading.Tasks.Task", "System.Threading.Tasks", true)]
        [InlineData("System.Threading.Tasks.Task", "Threading.Tasks", false)]
        [InlineData("System.Threading.Tasks.Task", "System.Threading", false)]
        [InlineData("System.Threading.Tasks.Task", "Tasks", false)]
        [InlineData("System.Threading.Tasks.Task", "Xystem.Threading.Tasks", false)]
        [InlineData("System.Random", "System", true)]
        [InlineData("System.Random", "System.Net", false)]
        public void Is_compares_every_segment(string type, string ns, bool expected)
            => Assert.Equal(expected, Namespaces.Is(Compilation.GetTypeByMetadataName(type)!.ContainingNamespace, ns));

        [Fact]
        public void IsWithin_and_IsType()
        {
            var task = Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task")!;
            Assert.True(Namespaces.IsWithin(task.ContainingNamespace, "System"));
            Assert.True(Namespaces.IsWithin(task.ContainingNamespace, "System.Threading"));
            Assert.False(Namespaces.IsWithin(task.ContainingNamespace, "Microsoft"));
            Assert.True(Namespaces.IsType(task, "System.Threading.Tasks", "Task"));
            Assert.False(Namespaces.IsType(task, "System.Threading", "Task"));
            Assert.False(Namespaces.IsType(null, "System", "Task"));
            Assert.False(Namespaces.Is(Compilation.GlobalNamespace, "System"));
        }
    }
}
