using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Resilience.Kubernetes.Hosting
{
    /// <summary>Settings of the shared informers (<c>services.AddKubernetesInformers(o =&gt; …)</c>).</summary>
    public sealed class KubernetesInformerOptions
    {
        /// <summary>
        /// The environment variable the node name is read from when <see cref="NodeName"/> is not set. The downward API
        /// puts it there: <c>env: [{ name: NODE_NAME, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } }]</c>
        /// (kubernetes.io, "Expose Pod Information to Containers Through Environment Variables").
        /// </summary>
        public string NodeNameEnvironmentVariable { get; set; } = "NODE_NAME";

        /// <summary>The node this process runs on, for node-scoped informers. Default: <see cref="NodeNameEnvironmentVariable"/>.</summary>
        public string? NodeName { get; set; }

        /// <summary>
        /// Defaults for every informer the factory creates (backoff, watch timeouts, transforms, clock). Leave its
        /// selectors and <see cref="InformerOptions.Observer"/> unset: the factory sets them per informer.
        /// </summary>
        public InformerOptions Informer { get; set; } = new();

        /// <summary>
        /// True: the hosted service's start waits until every registered informer has synced, so hosted services
        /// registered after <c>AddKubernetesInformers</c> start with full caches. False (default): start returns at
        /// once and readiness (<c>AddKubernetesInformers</c> on the health checks builder) reports the sync.
        /// </summary>
        public bool WaitForSyncOnStart { get; set; }

        /// <summary>Set by the builder when a node-scoped informer is registered: then <see cref="NodeName"/> is required.</summary>
        public bool NodeNameRequired { get; set; }
    }

    /// <summary>Fills <see cref="KubernetesInformerOptions.NodeName"/> from the environment when it was not configured.</summary>
    internal sealed class NodeNameFromEnvironment : IPostConfigureOptions<KubernetesInformerOptions>
    {
        public void PostConfigure(string? name, KubernetesInformerOptions options)
        {
            if (string.IsNullOrWhiteSpace(options.NodeName) && !string.IsNullOrWhiteSpace(options.NodeNameEnvironmentVariable))
            {
                options.NodeName = Environment.GetEnvironmentVariable(options.NodeNameEnvironmentVariable);
            }
        }
    }

    /// <summary>Checks the options at host start (<c>ValidateOnStart</c>), the same limits the informer enforces and a few it cannot see.</summary>
    internal sealed class KubernetesInformerOptionsValidator : IValidateOptions<KubernetesInformerOptions>
    {
        public ValidateOptionsResult Validate(string? name, KubernetesInformerOptions options)
        {
            var failures = new List<string>();
            if (options.NodeNameRequired && string.IsNullOrWhiteSpace(options.NodeName))
            {
                failures.Add($"A node-scoped informer is registered but the node name is unknown: set NodeName or the {options.NodeNameEnvironmentVariable} environment variable (downward API, fieldPath spec.nodeName).");
            }

            var informer = options.Informer;
            if (informer is null)
            {
                failures.Add("Informer must not be null.");
                return ValidateOptionsResult.Fail(failures);
            }

            if (informer.PageSize <= 0) failures.Add("Informer.PageSize must be positive (limit=0 means unbounded).");
            if (informer.MinWatchTimeout < TimeSpan.FromSeconds(1)) failures.Add("Informer.MinWatchTimeout must be at least 1 s.");
            if (informer.InitialBackoff <= TimeSpan.Zero) failures.Add("Informer.InitialBackoff must be positive.");
            if (informer.MaxBackoff < informer.InitialBackoff) failures.Add("Informer.MaxBackoff must be at least InitialBackoff.");
            if (informer.BackoffFactor < 1) failures.Add("Informer.BackoffFactor must be at least 1.");
            if (!string.IsNullOrEmpty(informer.FieldSelector) || !string.IsNullOrEmpty(informer.LabelSelector))
            {
                failures.Add("Informer.FieldSelector and LabelSelector would narrow every shared informer; pass selectors per informer.");
            }

            if (informer.Observer is not null) failures.Add("Informer.Observer is set by the factory (logs and metrics) and must be left null.");
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
