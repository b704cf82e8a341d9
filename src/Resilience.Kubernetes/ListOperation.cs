using System;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using k8s.Autorest;

namespace Resilience.Kubernetes
{
    /// <summary>
    /// One of the client's generated <c>List…WithHttpMessagesAsync</c> operations, called by parameter name.
    /// </summary>
    /// <remarks>
    /// The generated operations are not binary compatible across KubernetesClient releases: 21.x inserted a
    /// <c>shardSelector</c> parameter in the middle of every list operation (and of its <c>List…Async</c> and
    /// <c>WatchList…Async</c> extensions), so a call compiled against 19.0.2 throws <see cref="MissingMethodException"/>
    /// on 21.0.8. The parameter names are the API's query parameters and stay, so the typed factories bind by name,
    /// once, when the <see cref="ListWatch{TItem, TList}"/> is created; a parameter they do not know is left out (null),
    /// which is what the client does with an optional query parameter nobody set.
    /// </remarks>
    internal sealed class ListOperation<TList>
    {
        private readonly object operations;
        private readonly MethodInfo method;
        private readonly string?[] names;
        private readonly bool sendsInitialEvents;

        private ListOperation(object operations, MethodInfo method)
        {
            this.operations = operations;
            this.method = method;
            names = method.GetParameters().Select(p => p.Name).ToArray();
            sendsInitialEvents = names.Contains("sendInitialEvents");
        }

        /// <summary>Finds <paramref name="name"/> on <typeparamref name="TOperations"/> (e.g. <c>ICoreV1Operations</c>).</summary>
        /// <exception cref="MissingMethodException">No such operation returning <typeparamref name="TList"/>, or one with a parameter that cannot be left out.</exception>
        public static ListOperation<TList> Bind<TOperations>(TOperations operations, string name)
            where TOperations : class
        {
            if (operations is null) throw new ArgumentNullException(nameof(operations));
            var method = typeof(TOperations).GetMethods()
                .SingleOrDefault(m => m.Name == name && m.ReturnType == typeof(Task<HttpOperationResponse<TList>>))
                ?? throw new MissingMethodException(typeof(TOperations).FullName, name);
            var fixedParameter = method.GetParameters().FirstOrDefault(p => !TryGetArgument(p.Name, null, Empty, default, out _) && !CanBeLeftOut(p));
            if (fixedParameter is not null)
            {
                throw new MissingMethodException(
                    $"{typeof(TOperations).Name}.{name} has a parameter '{fixedParameter.Name}' that Resilience.Kubernetes does not know and cannot leave out: this KubernetesClient version is not supported.");
            }

            return new ListOperation<TList>(operations, method);
        }

        /// <summary>Sends one LIST (or WATCH, when <see cref="ListOptions.Watch"/>) with every property of <paramref name="options"/>.</summary>
        /// <exception cref="NotSupportedException">A streaming list (<see cref="ListOptions.SendInitialEvents"/>) on a client whose operation cannot send it: the informer then lists and watches instead.</exception>
        public Task<HttpOperationResponse<TList>> InvokeAsync(string? @namespace, ListOptions options, CancellationToken cancellationToken)
        {
            if (options.SendInitialEvents is not null && !sendsInitialEvents)
            {
                return Task.FromException<HttpOperationResponse<TList>>(new NotSupportedException(
                    method.Name + " of this KubernetesClient version has no sendInitialEvents parameter: the streaming list cannot be sent."));
            }

            var args = new object?[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                TryGetArgument(names[i], @namespace, options, cancellationToken, out args[i]);
            }

            return (Task<HttpOperationResponse<TList>>)method.Invoke(operations, BindingFlags.DoNotWrapExceptions, null, args, null)!;
        }

        /// <summary>The value of the parameter <paramref name="name"/>; false (and null) for a parameter this type does not know.</summary>
        private static bool TryGetArgument(string? name, string? @namespace, ListOptions options, CancellationToken cancellationToken, out object? value)
        {
            value = name switch
            {
                "namespaceParameter" => @namespace,
                "allowWatchBookmarks" => options.AllowWatchBookmarks,
                "continueParameter" => options.Continue,
                "fieldSelector" => options.FieldSelector,
                "labelSelector" => options.LabelSelector,
                "limit" => options.Limit,
                "resourceVersion" => options.ResourceVersion,
                "resourceVersionMatch" => options.ResourceVersionMatch,
                "timeoutSeconds" => options.TimeoutSeconds,
                "sendInitialEvents" => options.SendInitialEvents,
                // Left out of a LIST, as the client's List…Async extensions leave it.
                "watch" => options.Watch ? true : null,
                "cancellationToken" => cancellationToken,
                _ => Unknown,
            };
            if (ReferenceEquals(value, Unknown))
            {
                value = null;
                return false;
            }

            return true;
        }

        private static readonly object Unknown = new();
        private static readonly ListOptions Empty = new();

        private static bool CanBeLeftOut(ParameterInfo parameter) =>
            !parameter.ParameterType.IsValueType || Nullable.GetUnderlyingType(parameter.ParameterType) is not null;
    }
}
