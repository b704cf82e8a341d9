using System.Linq;
using ResilienceAnalyzers.Workload.Manifests;
using Xunit;

namespace ResilienceAnalyzers.Tests.Configuration
{
    /// <summary>The manifest reader's subset: what it reads, and what it refuses with a line.</summary>
    public class YamlSubsetTests
    {
        [Fact]
        public void Reads_the_shapes_manifests_are_written_in()
        {
            const string yaml = """
                %YAML 1.2
                ---
                # comment
                "apiVersion": 'apps/v1'   # trailing comment
                kind: !!str Deployment
                metadata:
                  name: &n it's-a-name
                  annotations:
                    note: >-
                      folded text: with "quotes
                    other: |
                        # not a comment
                spec:
                  replicas: 0003
                  template:
                    spec:
                      containers:
                      - name: a
                        ports:
                        - containerPort: 80
                        image: 'img''s'
                      -   name: b
                          args: ["x: y", 'z']
                          command:
                            - - nested
                              - list
                      initContainers: []
                """;
            var root = (YamlMap)Assert.Single(YamlSubset.Read(yaml));
            Assert.Equal("apps/v1", root.Scalar("apiVersion")!.Literal);
            Assert.Equal("Deployment", root.Scalar("kind")!.Literal);
            Assert.Equal("it's-a-name", root.Map("metadata")!.Scalar("name")!.Literal);
            Assert.Null(root.Map("metadata")!.Map("annotations")!.Scalar("note")!.Literal); // block scalars are opaque
            Assert.Equal("0003", root.Map("spec")!.Scalar("replicas")!.Literal);
            var containers = (YamlList)root.Map("spec")!.Map("template")!.Map("spec")!.Get("containers")!;
            Assert.Equal(2, containers.Items.Count);
            var first = (YamlMap)containers.Items[0];
            Assert.Equal("img's", first.Scalar("image")!.Literal);
            Assert.Equal(80.ToString(), ((YamlMap)((YamlList)first.Get("ports")!).Items.Single()).Scalar("containerPort")!.Literal);
            var second = (YamlMap)containers.Items[1];
            Assert.Equal("b", second.Scalar("name")!.Literal);
            Assert.True(second.Scalar("args")!.IsOpaque);
            var nested = (YamlList)((YamlList)second.Get("command")!).Items.Single();
            Assert.Equal(new[] { "nested", "list" }, nested.Items.Cast<YamlScalar>().Select(s => s.Text));
            Assert.Equal(18, first.Line);
        }

        [Fact]
        public void Splits_documents_and_skips_empty_ones_and_template_lines()
        {
            const string yaml = "---\n---\na: 1\n{{- if .Values.x }}\nb: {{ .Values.b }}\n{{- end }}\n...\n---\nc: \"3\"\n";
            var documents = YamlSubset.Read(yaml);
            Assert.Equal(2, documents.Count);
            var first = (YamlMap)documents[0];
            Assert.Equal(new[] { "a", "b" }, first.Entries.Select(e => e.Key));
            Assert.True(first.Scalar("b")!.IsTemplate);
            Assert.Null(first.Scalar("b")!.Literal);
            Assert.Equal("3", ((YamlMap)documents[1]).Scalar("c")!.Literal);
        }

        [Theory]
        [InlineData("a: 1\n- b\n", 2, "a list item where a 'key: value' entry was expected")]
        [InlineData("a:\n  - b\n c: 1\n", 3, "unexpected indentation (1 spaces where the block above uses 0)")]
        [InlineData("  a: 1\nb: 2\n", 2, "indentation of 0 matches no enclosing block")]
        [InlineData("a: 'x' y\n", 1, "text after the closing quote: ''x' y'")]
        [InlineData("? complex\n: key\n", 1, "complex keys ('? ') are not supported")]
        [InlineData("--- a: 1\n", 1, "content after '---' on the same line is not supported")]
        [InlineData("just a scalar\n", 1, "expected 'key: value' but found 'just a scalar'")]
        [InlineData("a:\n  -\tb\n", 2, "a tab after '-' (YAML forbids tabs in indentation)")]
        public void Refuses_what_is_outside_the_subset_with_the_line(string yaml, int line, string reason)
        {
            var error = Assert.Throws<YamlError>(() => YamlSubset.Read(yaml));
            Assert.Equal(line, error.LineNumber);
            Assert.Equal(reason, error.Reason);
        }

        [Fact]
        public void Deep_nesting_is_refused_instead_of_exhausting_the_stack()
        {
            string yaml = string.Concat(Enumerable.Range(0, 5_000).Select(i => new string(' ', i) + "k:\n"));
            var error = Assert.Throws<YamlError>(() => YamlSubset.Read(yaml));
            Assert.Equal("nested deeper than " + YamlSubset.MaxDepth + " levels", error.Reason);
        }

        [Fact]
        public void Mutated_manifests_are_read_or_refused_with_a_line_and_nothing_else_is_thrown()
        {
            // Every character deleted, and each of these inserted at every position: whatever the reader makes of it,
            // the only exception it may throw is YamlError (which becomes RES0001), never one that would be an AD0001.
            string manifest = string.Join("\n", new[]
            {
                "apiVersion: apps/v1", "kind: DaemonSet", "metadata:", "  name: 'node-agent'", "spec:", "  replicas: 2",
                "  template:", "    spec:", "      containers:", "      - name: \"a\"  # c", "        image: x/y:1",
                "        args: [\"a\", 'b']", "        command:", "        - |", "          echo \"hi", "---", "kind: Deployment",
            });
            string[] insertions = { "\t", "\"", "'", ":", "- ", "{{", "}}", "[", "{", "#", "\n", "\n  ", "---\n", "? ", "|", "&a ", "!t ", "*a" };
            int read = 0;
            int refused = 0;
            for (int i = 0; i <= manifest.Length; i++)
            {
                var variants = insertions.Select(x => manifest.Insert(i, x)).ToList();
                if (i < manifest.Length)
                {
                    variants.Add(manifest.Remove(i, 1));
                }

                foreach (string variant in variants)
                {
                    try
                    {
                        var workloads = new System.Collections.Generic.List<ManifestWorkload>();
                        foreach (var document in YamlSubset.Read(variant))
                        {
                            ManifestWorkloads.Collect(document, "/deploy/a.yaml", workloads, new System.Collections.Generic.List<ManifestScaler>());
                        }

                        read++;
                    }
                    catch (YamlError error)
                    {
                        Assert.InRange(error.LineNumber, 1, variant.Split('\n').Length);
                        refused++;
                    }
                }
            }

            Assert.True(read > 0 && refused > 0, $"read {read}, refused {refused}");
        }

        [Theory]
        [InlineData("ghcr.io/example/node-agent:1.4.2@sha256:0123", "node-agent")]
        [InlineData("registry.example:5000/team/agent", "agent")]
        [InlineData("agent:latest", "agent")]
        [InlineData("agent", "agent")]
        public void Image_names_lose_registry_path_tag_and_digest(string image, string name)
            => Assert.Equal(name, ManifestWorkloads.ImageName(image));
    }
}
