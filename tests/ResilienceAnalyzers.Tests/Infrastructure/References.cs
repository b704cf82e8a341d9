using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace ResilienceAnalyzers.Tests.Infrastructure
{
    /// <summary>
    /// What test sources compile against: the .NET reference pack of the SDK running the tests (no download)
    /// and the real KubernetesClient assemblies the test project restored.
    /// </summary>
    public static class References
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(LoadFramework);
        private static readonly Lazy<ImmutableArray<MetadataReference>> Client21 = new(() => ClientClosure(typeof(k8s.Kubernetes).Assembly.Location));
        private static readonly Lazy<ImmutableArray<MetadataReference>> Client19 = new(() => ClientClosure(PackagePath("kubernetesclient", "19.0.2", "lib/net8.0/KubernetesClient.dll")));

        /// <summary>An empty reference set: the framework is added as plain references so nothing is downloaded.</summary>
        public static ReferenceAssemblies None { get; } = new ReferenceAssemblies("net10.0");

        public static ImmutableArray<MetadataReference> NetFramework => Framework.Value;

        /// <summary>KubernetesClient 21.0.8, the version the product is checked on (facts.md).</summary>
        public static ImmutableArray<MetadataReference> KubernetesClient => Client21.Value;

        /// <summary>KubernetesClient 19.0.2: list operations without <c>shardSelector</c>.</summary>
        public static ImmutableArray<MetadataReference> KubernetesClient19 => Client19.Value;

        /// <summary>DnsClient 1.8.0 (RES2002).</summary>
        public static MetadataReference DnsClient { get; } = MetadataReference.CreateFromFile(typeof(global::DnsClient.LookupClient).Assembly.Location);

        /// <summary>The product's Resilience.Dns, which the RES2001 fix calls.</summary>
        public static MetadataReference ResilienceDns { get; } = MetadataReference.CreateFromFile(typeof(global::Resilience.Dns.CachedDnsResolver).Assembly.Location);

        /// <summary>
        /// Microsoft.Extensions.Http (IHttpClientFactory, <c>AddHttpClient</c>), the DI abstractions it extends, and the
        /// product's Resilience.Dns.Http (<c>AddCachedDns</c>) — RES2004.
        /// </summary>
        public static ImmutableArray<MetadataReference> HttpClientFactory { get; } = ImmutableArray.Create<MetadataReference>(
            MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.IHttpClientBuilder).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.CachedDnsHttpServiceCollectionExtensions).Assembly.Location));

        /// <summary>Grpc.Net.Client and the Grpc.Core.Api it exposes (<c>GrpcChannel.ForAddress</c>) — RES2004.</summary>
        public static ImmutableArray<MetadataReference> GrpcClient { get; } = ImmutableArray.Create<MetadataReference>(
            MetadataReference.CreateFromFile(typeof(Grpc.Net.Client.GrpcChannel).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Grpc.Core.ChannelBase).Assembly.Location));

        /// <summary>The product's Resilience.Kubernetes (informer, pager, backoff), which the RES100x fixes call.</summary>
        public static MetadataReference ResilienceKubernetes { get; } = MetadataReference.CreateFromFile(typeof(global::Resilience.Kubernetes.Informers).Assembly.Location);

        /// <summary>
        /// The product's Resilience.Kubernetes.Hosting (<c>SharedInformerFactory</c>, <c>AddKubernetesInformers</c>), which RES1003's
        /// fix uses in a class the DI container constructs; the Microsoft.Extensions.* it builds on come from <see cref="AspNetCore"/>.
        /// </summary>
        public static MetadataReference ResilienceKubernetesHosting { get; } = MetadataReference.CreateFromFile(typeof(global::Resilience.Kubernetes.Hosting.SharedInformerFactory).Assembly.Location);

        /// <summary>Akka 1.5.75 and Akka.Discovery 1.5.75 (a discovery plugin's <c>ServiceDiscovery.Lookup</c>).</summary>
        public static ImmutableArray<MetadataReference> AkkaDiscovery => Akka.Value;

        private static readonly Lazy<ImmutableArray<MetadataReference>> Akka = new(() => ImmutableArray.Create<MetadataReference>(
            MetadataReference.CreateFromFile(PackagePath("akka", "1.5.75", "lib/net6.0/Akka.dll")),
            MetadataReference.CreateFromFile(PackagePath("akka.discovery", "1.5.75", "lib/net6.0/Akka.Discovery.dll"))));

        /// <summary>System.Reactive 6.0.1 (<c>Observable.Interval(…).Subscribe(…)</c>).</summary>
        public static MetadataReference Reactive => Rx.Value;

        private static readonly Lazy<MetadataReference> Rx = new(() => MetadataReference.CreateFromFile(PackagePath("system.reactive", "6.0.1", "lib/net6.0/System.Reactive.dll")));

        public static string RepositoryRoot => Metadata("RepositoryRoot");

        public static string PackagePath(string id, string version, string relative)
        {
            string path = Path.Combine(Metadata("NuGetPackageRoot"), id, version, relative);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{id} {version} was not restored (PackageDownload in the test project).", path);
            }

            return path;
        }

        private static string Metadata(string key)
            => typeof(References).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
               ?? throw new InvalidOperationException(key + " is not set");

        private static readonly Lazy<ImmutableArray<MetadataReference>> AspNet = new(() => LoadPack("Microsoft.AspNetCore.App.Ref"));

        /// <summary>The ASP.NET Core reference pack of the SDK (controllers, minimal APIs), for per-request paths.</summary>
        public static ImmutableArray<MetadataReference> AspNetCore => AspNet.Value;

        private static ImmutableArray<MetadataReference> LoadFramework() => LoadPack("Microsoft.NETCore.App.Ref");

        private static ImmutableArray<MetadataReference> LoadPack(string pack)
        {
            // /usr/share/dotnet/shared/Microsoft.NETCore.App/<v>/ → /usr/share/dotnet/packs/Microsoft.NETCore.App.Ref/<v>/ref/net<major>.0
            string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            string dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
            string version = Path.GetFileName(runtimeDir);
            string major = version.Split('.')[0];
            string packs = Path.Combine(dotnetRoot, "packs", pack);
            string? refDir = Directory.Exists(packs)
                ? Directory.GetDirectories(packs)
                    .Select(d => Path.Combine(d, "ref", "net" + major + ".0"))
                    .Where(Directory.Exists)
                    .OrderByDescending(d => d, StringComparer.Ordinal)
                    .FirstOrDefault()
                : null;
            string dir = refDir ?? (pack == "Microsoft.NETCore.App.Ref" ? runtimeDir : throw new DirectoryNotFoundException(pack + " is not installed with the SDK under " + packs));
            return Directory.GetFiles(dir, "*.dll")
                .Where(f => !Path.GetFileName(f).StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal))
                .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
                .ToImmutableArray();
        }

        /// <summary>The client and the non-framework assemblies its public surface uses (copied beside the tests).</summary>
        private static ImmutableArray<MetadataReference> ClientClosure(string clientPath)
        {
            var references = new List<MetadataReference> { MetadataReference.CreateFromFile(clientPath) };
            string testBin = Path.GetDirectoryName(typeof(References).Assembly.Location)!;
            foreach (var name in typeof(k8s.Kubernetes).Assembly.GetReferencedAssemblies())
            {
                string candidate = Path.Combine(testBin, name.Name + ".dll");
                if (File.Exists(candidate))
                {
                    references.Add(MetadataReference.CreateFromFile(candidate));
                }
            }

            return references.ToImmutableArray();
        }
    }
}
