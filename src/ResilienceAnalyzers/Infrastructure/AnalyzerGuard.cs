using System;
using Microsoft.CodeAnalysis;

namespace ResilienceAnalyzers.Infrastructure
{
    /// <summary>
    /// Analyzers must never throw (an AD0001 in a user's build is a bug). If one ever does, the exception that
    /// reaches the compiler names the rule, file, line and the syntax so the report is actionable.
    /// </summary>
    internal static class AnalyzerGuard
    {
        public static void Run<TContext>(string ruleId, SyntaxNode node, TContext context, Action<TContext> action)
            => Run(ruleId, node, context, action, static (c, a) => a(c));

        /// <summary>With state, so a callback can be a static lambda: no delegate allocated per invocation analyzed.</summary>
        public static void Run<TContext, TState>(string ruleId, SyntaxNode node, TContext context, TState state, Action<TContext, TState> action)
        {
            try
            {
                action(context, state);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                var span = node.GetLocation().GetLineSpan();
                string text = node.ToString();
                if (text.Length > 300)
                {
                    text = text.Substring(0, 300) + "…";
                }

                throw new InvalidOperationException(
                    ruleId + " failed at " + span.Path + "(" + (span.StartLinePosition.Line + 1) + "," + (span.StartLinePosition.Character + 1) + ") on `" + text + "`: " + e.Message,
                    e);
            }
        }
    }
}
