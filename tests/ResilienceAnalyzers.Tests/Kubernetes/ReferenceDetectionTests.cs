using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ResilienceAnalyzers.Infrastructure;
using ResilienceAnalyzers.Kubernetes;
using ResilienceAnalyzers.Tests.Infrastructure;
using Xunit;

namespace ResilienceAnalyzers.Tests.Kubernetes
{
    /// <summary>
    /// The rules' bail-out: is the client (or DnsClient) referenced at all? Judged from the references as given — file,
    /// in-memory image, project — without binding them.
    /// </summary>
    public class ReferenceDetectionTests
    {
        private static CSharpCompilation Compile(string source, params MetadataReference[] references)
            => CSharpCompilation.Create("Agent", new[] { CSharpSyntaxTree.ParseText(source) }, References.NetFramework.Concat(references));

        private static string ClientPath
            => References.KubernetesClient.OfType<PortableExecutableReference>().Single(r => Path.GetFileName(r.FilePath) == "KubernetesClient.dll").FilePath!;

        [Fact]
        public void A_file_reference_is_recognized_by_its_file_name()
        {
            Assert.True(KubernetesApi.IsReferenced(Compile("class A {}", MetadataReference.CreateFromFile(ClientPath))));
            Assert.True(ReferencedAssemblies.Contains(Compile("class A {}", References.DnsClient), "DnsClient", prefix: false));
            Assert.False(ReferencedAssemblies.Contains(Compile("class A {}", References.DnsClient), "DnsCli", prefix: false));
        }

        [Fact]
        public void An_in_memory_image_is_recognized_by_its_module_name()
        {
            var image = MetadataReference.CreateFromImage(File.ReadAllBytes(ClientPath));
            Assert.True(KubernetesApi.IsReferenced(Compile("class A {}", image)));
        }

        [Fact]
        public void A_project_reference_is_recognized_by_its_assembly_name()
        {
            var project = CSharpCompilation.Create("KubernetesClient.Classic", new[] { CSharpSyntaxTree.ParseText("namespace k8s { public class Kubernetes {} }") }, References.NetFramework);
            Assert.True(KubernetesApi.IsReferenced(Compile("class A {}", project.ToMetadataReference())));
        }

        [Fact]
        public void Source_declaring_the_pre_10_interface_counts_and_nothing_else_does()
        {
            Assert.True(KubernetesApi.IsReferenced(Compile("namespace k8s { public interface IKubernetes {} }")));
            Assert.False(KubernetesApi.IsReferenced(Compile("class Kubernetes {}", References.DnsClient)));
        }
    }
}
