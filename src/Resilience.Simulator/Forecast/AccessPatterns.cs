using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Resilience.CostModel;
using Resilience.CostModel.Simulation;

namespace Resilience.Simulator.Forecast
{
    /// <summary>One call site and every RES finding on it (RES1001, RES1002 and RES1003 often flag the same LIST).</summary>
    public sealed class FindingSite
    {
        public FindingSite(string site, IReadOnlyList<Finding> findings)
        {
            Site = site;
            Findings = findings;
        }

        public string Site { get; }

        public IReadOnlyList<Finding> Findings { get; }

        public Finding? Of(string rule) => Findings.FirstOrDefault(f => f.RuleId == rule);

        /// <summary>The finding that describes the request (any Kubernetes rule with a <c>Verb</c>), or null: not a LIST/WATCH.</summary>
        public Finding? Request => Findings.FirstOrDefault(f => f.Get("Verb") != null);

        /// <summary>"ListPodForAllNamespacesAsync": the called name, as the messages start with it.</summary>
        public string Call
        {
            get
            {
                string text = (Request ?? Findings[0]).Message;
                int space = text.IndexOf(' ', StringComparison.Ordinal);
                string first = space > 0 ? text.Substring(0, space) : text;
                return first.All(c => char.IsLetterOrDigit(c) || c == '.' || c == '_') && first.Length > 0 ? first : "call";
            }
        }

        public IEnumerable<string> Rules => Findings.Select(f => f.RuleId).Distinct();
    }

    /// <summary>A fix a rule offers, and the model's name for it (<see cref="BuiltInScenarios.ApplyFix"/>).</summary>
    public sealed class OfferedFix
    {
        public OfferedFix(string rule, string fix, string description)
        {
            Rule = rule;
            Fix = fix;
            Description = description;
        }

        public string Rule { get; }

        /// <summary>"pagination", "node-scoped", "by-name", "informer", "backoff", "serve-stale".</summary>
        public string Fix { get; }

        public string Description { get; }
    }

    /// <summary>
    /// Turns a build's findings into the cost model's workloads: one per LIST/WATCH call site, its request from the
    /// properties the analyzers wrote (verb, kind, scope, selectors, page size), its fan-out from <c>FanOut</c>/<c>Copies</c>,
    /// its period from RES1003 on the same site, its retry from RES1005. The model's semantics (docs/cost-model.md) then apply.
    /// </summary>
    public static class AccessPatterns
    {
        /// <summary>RES2xxx: a lookup or connection with no stale-serving cache (what DNS failures depend on).</summary>
        public static bool IsDnsRule(string rule) => rule.StartsWith("RES2", StringComparison.Ordinal);

        public static IReadOnlyList<FindingSite> Sites(IEnumerable<Finding> findings)
            => findings.Where(f => f.RuleId != "RES0001")
                .GroupBy(f => f.File + ":" + f.Line + ":" + f.Column)
                .Select(g => new FindingSite(g.First().Site, g.ToList()))
                .ToList();

        /// <summary>
        /// The fix each rule offers, by the model's name; null for a rule the model has nothing to change for
        /// (RES1006: no client-side rate limit in the model; RES1005 on a call that is not a LIST or WATCH).
        /// </summary>
        public static OfferedFix? FixFor(Finding finding, FindingSite site)
        {
            switch (finding.RuleId)
            {
                case "RES1001": return new OfferedFix("RES1001", "pagination", "limit 500 + continue (ListPager)");
                case "RES1002":
                    string kind = finding.Get("Kind") ?? "Pod";
                    return kind == "NameAcrossNamespaces"
                        // Already a list by name: the model prices a read by name as that list, so this variant changes nothing.
                        ? new OfferedFix("RES1002", "by-name", "read it by name in its namespace (priced as the list by name it already is)")
                        : kind == "Node" || kind == "ByName" || kind == "PodByName"
                        ? new OfferedFix("RES1002", "by-name", "read its own object by name (metadata.name)")
                        : new OfferedFix("RES1002", "node-scoped", "fieldSelector spec.nodeName=<node>");
                case "RES1003":
                    return finding.Get("OneKey") == "true"
                        // A one-key metadata.name= list: its fix is the GET, which the model prices as that list already is.
                        ? new OfferedFix("RES1003", "by-name", "read it by name (Read…: priced as the one-key list it already is)")
                        : new OfferedFix("RES1003", "informer", "an informer: list once at RV=0, then watch");
                case "RES1004": return new OfferedFix("RES1004", "informer", "a resumed watch (informer)");
                case "RES1005": return site.Request != null ? new OfferedFix("RES1005", "backoff", "exponential backoff with full jitter (0.8 s → 30 s)") : null;
                case "RES2001":
                case "RES2002":
                case "RES2003":
                case "RES2004":
                    return new OfferedFix(finding.RuleId, "serve-stale", "resolve through CachedDns (serve-stale, RFC 8767)");
                default: return null;
            }
        }

        /// <summary>
        /// The workload of one call site, or null when the site is not a LIST/WATCH the model prices (a GET retried, a client
        /// built, a DNS lookup). <paramref name="note"/> says what was assumed where the code does not say.
        /// </summary>
        public static WorkloadSpec? Workload(FindingSite site, out string? note)
        {
            note = null;
            var request = site.Request;
            if (request is null) return null;
            string where = site.Site + " " + request.RuleId;
            var w = new WorkloadSpec
            {
                Name = site.Call + " (" + site.Site + ")",
                Resource = EnumValue<ResourceKind>(request, "Resource", where),
                Scope = EnumValue<RequestScope>(request, "Scope", where),
                NodeScoped = Flag(request, "NodeScoped", where),
                NameScoped = Flag(request, "NameScoped", where),
                // Failures wait for the next poll unless RES1005 says the call is retried (it flags every retry without backoff).
                Retry = new RetrySpec { Policy = RetryPolicy.None },
            };

            string verb = request.Get("Verb")!;
            if (verb == "Watch")
            {
                // A watch with no resourceVersion replays the current state whenever it restarts (RES1004); one RES1002 alone
                // flags resumes from a resourceVersion, like an informer's watch.
                w.Access = site.Of("RES1004") != null ? AccessPattern.WatchWithoutResume : AccessPattern.Informer;
            }
            else if (verb == "List")
            {
                w.Access = Flag(request, "ResourceVersionZero", where) ? AccessPattern.CachedList
                    : request.Get("PageSize") != null ? AccessPattern.PaginatedList
                    : AccessPattern.UnboundedList;
                if (request.Get("PageSize") is string pageSize) w.PageSize = (int)Number(pageSize, "PageSize", where, 1, int.MaxValue);
                w.PollSeconds = PollSeconds(site, out note);
            }
            else
            {
                throw new ForecastInputException(where + ": property 'Verb' is '" + verb + "'; accepted: List, Watch");
            }

            string fanOut = request.Get("FanOut") ?? "Single";
            long copies = request.Get("Copies") is string c ? (long)Number(c, "Copies", where, 1, int.MaxValue) : 1;
            switch (fanOut)
            {
                case "EveryNode":
                    w.Kind = WorkloadKind.DaemonSet;
                    break;
                case "EveryReplica":
                case "Single":
                case "Unknown":
                    w.Kind = WorkloadKind.Deployment;
                    w.Replicas = (int)copies;
                    break;
                default:
                    throw new ForecastInputException(where + ": property 'FanOut' is '" + fanOut + "'; accepted: EveryNode, EveryReplica, Single, Unknown");
            }

            if (site.Of("RES1005") is Finding retry) w.Retry = RetryOf(retry, site.Site);
            return w;
        }

        /// <summary>
        /// A note when the analyzers had no count for the site's kind (<c>CountKnown</c> "false": config maps, secrets, custom
        /// resources, …): the model prices it at its placeholder, one object per node (docs/cost-model.md), which is not a
        /// figure. Null when the count is known or the log predates the property.
        /// </summary>
        public static string? CountNote(FindingSite site)
        {
            var request = site.Request;
            if (request?.Get("CountKnown") is null) return null;
            if (Flag(request, "CountKnown", site.Site + " " + request.RuleId)) return null;

            // Named where the key can be built (one namespace, a cluster-scoped kind): one key read, whatever the count
            // (ListRequest.IsKeyedByName): the placeholder does not enter the price.
            if (request.Get("NameScoped") == "true" && request.Get("Scope") != "AllNamespaces") return null;
            return site.Site + ": no published count for " + request.Get("Resource") + " objects; priced at the model's placeholder of one per node, not a figure (a scenario file's cluster.objects gives 'resilience-sim run' a real count)";
        }

        /// <summary>Seconds between polls from RES1003 on the site; 0 (one list per copy) when nothing repeats it or no period is stated.</summary>
        private static double PollSeconds(FindingSite site, out string? note)
        {
            note = null;
            var polling = site.Of("RES1003");
            if (polling is null) return 0;
            string where = site.Site + " RES1003";
            switch (polling.Get("Repeats"))
            {
                case "Period":
                    return Number(polling.Get("PeriodSeconds") ?? "", "PeriodSeconds", where, 0.001, 86_400 * 7);
                case "Loop":
                    // No delay between passes: the next list goes out as soon as the last one ends.
                    note = site.Site + ": a loop with no delay, priced as back-to-back lists";
                    return 0.001;
                case "Request":
                case "Unstated":
                    note = site.Site + ": repeated at a rate the code does not state (per request, or a timer or job configured elsewhere): priced as one list per copy, a lower bound";
                    return 0;
                default:
                    throw new ForecastInputException(where + ": property 'Repeats' is '" + (polling.Get("Repeats") ?? "(missing)") + "'; accepted: Period, Loop, Request, Unstated (was the log made by an older ResilienceAnalyzers?)");
            }
        }

        /// <summary>RES1005's delay as the model's retry: none → at once, forever; fixed d → every d s (a backoff capped at d, no jitter); growing → client-go's backoff without jitter.</summary>
        private static RetrySpec RetryOf(Finding retry, string site)
        {
            string where = site + " RES1005";
            switch (retry.Get("RetryDelay"))
            {
                case "None":
                    return new RetrySpec { Policy = RetryPolicy.Immediate, MaxAttempts = 0 };
                case "Fixed":
                    double d = Number(retry.Get("RetryDelaySeconds") ?? "", "RetryDelaySeconds", where, 0, 86_400);
                    return new RetrySpec { Policy = RetryPolicy.ExponentialJitter, MaxAttempts = 0, InitialSeconds = d, CapSeconds = d, Jitter = 0 };
                case "Growing":
                    return new RetrySpec { Policy = RetryPolicy.ExponentialJitter, MaxAttempts = 0, Jitter = 0 };
                default:
                    throw new ForecastInputException(where + ": property 'RetryDelay' is '" + (retry.Get("RetryDelay") ?? "(missing)") + "'; accepted: None, Fixed, Growing");
            }
        }

        private static T EnumValue<T>(Finding f, string name, string where)
            where T : struct, Enum
        {
            string? value = f.Get(name);
            if (value is null || !Enum.TryParse<T>(value, ignoreCase: false, out var result) || !Enum.IsDefined(result) || char.IsDigit(value[0]))
            {
                throw new ForecastInputException(where + ": property '" + name + "' is '" + (value ?? "(missing)") + "'; accepted: " + string.Join(", ", Enum.GetNames<T>()));
            }

            return result;
        }

        private static bool Flag(Finding f, string name, string where)
        {
            switch (f.Get(name))
            {
                case "true": return true;
                case "false": return false;
                default: throw new ForecastInputException(where + ": property '" + name + "' is '" + (f.Get(name) ?? "(missing)") + "'; accepted: true, false");
            }
        }

        internal static double Number(string text, string name, string where, double min, double max)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || double.IsNaN(v) || v < min || v > max)
            {
                throw new ForecastInputException(where + ": property '" + name + "' is '" + text + "'; expected a number from " + min.ToString(CultureInfo.InvariantCulture) + " to " + max.ToString(CultureInfo.InvariantCulture));
            }

            return v;
        }
    }
}
