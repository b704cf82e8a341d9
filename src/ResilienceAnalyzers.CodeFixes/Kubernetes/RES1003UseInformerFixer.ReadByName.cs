using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ResilienceAnalyzers.Kubernetes;

namespace ResilienceAnalyzers.CodeFixes.Kubernetes
{
    /// <summary>
    /// RES1003 on a polled LIST of one object by <c>metadata.name=</c> (<see cref="RES1003PollingListAnalyzer.OneKeyProperty"/>):
    /// not an informer but the GET of that name —
    /// <code>
    /// var nodes = await client.CoreV1.ListNodeAsync(fieldSelector: "metadata.name=" + nodeName, cancellationToken: ct);
    /// var self = nodes.Items.FirstOrDefault();
    /// </code>
    /// becomes <c>var self = await Reads.ReadOrNullAsync(nodeName, n =&gt; client.CoreV1.ReadNodeAsync(n, cancellationToken: ct));</c>,
    /// null where the list was empty, as before. Only where <see cref="ReadByNameSyntax.TryCreateFromSelector"/> proves it
    /// means the same; a list whose result is used otherwise keeps its message and gets no fix.
    /// </summary>
    public sealed partial class RES1003UseInformerFixer
    {
        private static bool IsOneKey(Diagnostic diagnostic)
            => diagnostic.Properties.TryGetValue(RES1003PollingListAnalyzer.OneKeyProperty, out var oneKey) && oneKey == "true";

        private static ReadByNameSyntax? PlanRead(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            return invocation != null
                && IsOneKey(diagnostic)
                && model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation
                && KubernetesApi.TryGetCall(operation, out var call) && call != null
                && RES1003PollingListAnalyzer.IsOneKey(call)
                    ? ReadByNameSyntax.TryCreateFromSelector(model, operation, cancellationToken)
                    : null;
        }
    }
}
