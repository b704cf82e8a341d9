using Microsoft.CodeAnalysis;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>Who runs a call reached through a chain: the callee's own fan-out, else the first caller on the chain that is per node or per replica.</summary>
    internal static class CallerFanOut
    {
        public static FanOut Resolve(ResilienceCompilation model, IMethodSymbol method, SyntaxTree tree, CallChain? chain)
        {
            var own = model.FanOut.Resolve(method, tree);
            if (own.IsReplicated || chain == null)
            {
                return own;
            }

            // A repository class called from a type that reads NODE_NAME (or carries [RunsOnEveryNode]) runs on every node too.
            for (int i = chain.Sites.Length - 1; i >= 0; i--)
            {
                var site = chain.Sites[i];
                var fanOut = model.FanOut.Resolve(site.Caller, site.Operation.Syntax.SyntaxTree);
                if (fanOut.IsReplicated)
                {
                    return fanOut;
                }
            }

            return own;
        }
    }
}
