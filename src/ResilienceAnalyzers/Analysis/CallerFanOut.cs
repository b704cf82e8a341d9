using Microsoft.CodeAnalysis;
using ResilienceAnalyzers.Workload;

namespace ResilienceAnalyzers.Analysis
{
    /// <summary>
    /// Who runs a call reached through a chain: one copy if any caller on the chain runs in the elected leader only;
    /// else the callee's own fan-out, else the first caller on the chain that is per node or per replica.
    /// </summary>
    internal static class CallerFanOut
    {
        public static FanOut Resolve(ResilienceCompilation model, IMethodSymbol method, SyntaxNode site, CallChain? chain)
        {
            var own = model.FanOut.Resolve(method, site);
            if (chain == null || own.Elected)
            {
                return own;
            }

            // Whatever repeats it, code reached only from a leader's controller or callback runs in that one copy.
            foreach (var above in chain.Sites)
            {
                if (model.FanOut.Leaders.At(above.Caller, above.Operation.Syntax) is string leader)
                {
                    return new FanOut(FanOutKind.Single, 1, leader + ", reached from " + CallChain.Name(above.Caller), own.Settings, elected: true);
                }
            }

            if (own.IsReplicated)
            {
                return own;
            }

            // A repository class called from a type that reads NODE_NAME (or carries [RunsOnEveryNode]) runs on every node too.
            for (int i = chain.Sites.Length - 1; i >= 0; i--)
            {
                var fanOut = model.FanOut.Resolve(chain.Sites[i].Caller, chain.Sites[i].Operation.Syntax);
                if (fanOut.IsReplicated)
                {
                    return fanOut;
                }
            }

            return own;
        }
    }
}
