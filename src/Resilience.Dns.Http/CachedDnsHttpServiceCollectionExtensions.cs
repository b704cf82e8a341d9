using System;
using System.Diagnostics.Metrics;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Resilience.Dns;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Puts <see cref="CachedDnsResolver"/> behind the clients of <c>IHttpClientFactory</c>: one resolver per container, and
/// <see cref="AddCachedDns(IHttpClientBuilder)"/> on each client whose new connections must survive a DNS outage.
/// </summary>
/// <remarks>
/// Why the factory needs it: <see cref="SocketsHttpHandler"/> resolves the host through the system resolver (no cache) on
/// every new connection, and the factory builds a new primary handler — with an empty connection pool — every
/// <c>HandlerLifetime</c> (2 minutes by default: <c>HttpClientFactoryOptions.DefaultHandlerLifetime</c> in
/// dotnet/runtime, src/libraries/Microsoft.Extensions.Http/src/HttpClientFactoryOptions.cs). So every client resolves at
/// least every 2 minutes, and during a DNS outage each of those connections fails once the OS cache (if any) has expired.
/// </remarks>
public static class CachedDnsHttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="CachedDnsResolver"/> as a singleton (if none is registered yet), built from
    /// <see cref="CachedDnsResolverOptions"/> configured with the options pattern. The backend is the
    /// <see cref="IDnsBackend"/> registered in the container, else the system resolver; the meter factory is the
    /// container's <see cref="IMeterFactory"/> unless the options name one. The container disposes the resolver.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes to the defaults (docs/dns.md, "Defaults and their sources"); may be called several times.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <remarks>An invalid option throws <see cref="ArgumentException"/> naming it when the resolver is first resolved.</remarks>
    public static IServiceCollection AddCachedDnsResolver(this IServiceCollection services, Action<CachedDnsResolverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<CachedDnsResolverOptions> options = services.AddOptions<CachedDnsResolverOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(CreateResolver);
        return services;
    }

    /// <summary>
    /// Makes the client's primary <see cref="SocketsHttpHandler"/> resolve every new connection through the container's
    /// <see cref="CachedDnsResolver"/> (<see cref="CachedDnsConnectExtensions.UseCachedDns"/>), registering the resolver
    /// with <see cref="AddCachedDnsResolver"/> if needed. Works for named, typed and gRPC (<c>AddGrpcClient</c>) clients;
    /// apply it to every client with <c>services.ConfigureHttpClientDefaults(b =&gt; b.AddCachedDns())</c>.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <remarks>
    /// It configures the primary handler through <c>UseSocketsHttpHandler</c>, so it keeps the handler's other settings
    /// made the same way (<c>PooledConnectionLifetime</c>, …) and replaces its <c>ConnectCallback</c>. A
    /// <c>ConfigurePrimaryHttpMessageHandler</c> called <em>after</em> it replaces the handler and with it the cache.
    /// </remarks>
    public static IHttpClientBuilder AddCachedDns(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddCachedDnsResolver();
        return builder.UseSocketsHttpHandler(static (handler, services) => handler.UseCachedDns(services.GetRequiredService<CachedDnsResolver>()));
    }

    private static CachedDnsResolver CreateResolver(IServiceProvider services)
    {
        CachedDnsResolverOptions options = services.GetRequiredService<IOptions<CachedDnsResolverOptions>>().Value;
        if (options.MeterFactory is null && services.GetService<IMeterFactory>() is IMeterFactory meters)
        {
            // The resolver copies its options: setting this on the container's instance changes nothing else.
            options.MeterFactory = meters;
        }

        return services.GetService<IDnsBackend>() is IDnsBackend backend
            ? new CachedDnsResolver(backend, options)
            : new CachedDnsResolver(options);
    }
}
