using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Resilience.Kubernetes.Tests
{
    /// <summary>
    /// The typed factories call the client's list operations by parameter name, because the parameter lists change
    /// between KubernetesClient releases (21.x inserted <c>shardSelector</c>). The real clients are covered by build.sh
    /// running the informer suite against each served version; these pin the binding itself on shapes no release has yet.
    /// </summary>
    public class ListOperationTests
    {
        [Fact]
        public async Task ArgumentsGoByNameWhereverTheParameterIsAndUnknownOnesAreLeftOut()
        {
            var operations = new Recorder();
            var operation = ListOperation<V1PodList>.Bind<IReorderedOperations>(operations, nameof(IReorderedOperations.ListNamespacedPodWithHttpMessagesAsync));
            using var cancel = new CancellationTokenSource();
            var options = new ListOptions
            {
                FieldSelector = "spec.nodeName=n1", LabelSelector = "app=a", ResourceVersion = "7", ResourceVersionMatch = "NotOlderThan",
                Limit = 500, Continue = "c", AllowWatchBookmarks = true, TimeoutSeconds = 300, Watch = true,
            };

            await operation.InvokeAsync("ns", options, cancel.Token);
            Assert.Equal(
                new Dictionary<string, object?>
                {
                    ["timeoutSeconds"] = 300, ["futureSelector"] = null, ["namespaceParameter"] = "ns", ["watch"] = true,
                    ["fieldSelector"] = "spec.nodeName=n1", ["futureFlag"] = null, ["labelSelector"] = "app=a", ["limit"] = 500,
                    ["continueParameter"] = "c", ["resourceVersion"] = "7", ["resourceVersionMatch"] = "NotOlderThan",
                    ["allowWatchBookmarks"] = true, ["cancellationToken"] = cancel.Token,
                },
                operations.Last);

            await operation.InvokeAsync("ns", new ListOptions { Watch = false }, default);
            Assert.Null(operations.Last!["watch"]);
        }

        [Fact]
        public void AParameterThatCannotBeLeftOutFailsWhenTheListWatchIsCreatedNotOnTheFirstList()
        {
            var error = Assert.Throws<MissingMethodException>(() =>
                ListOperation<V1PodList>.Bind<IRequiredParameterOperations>(new Recorder(), nameof(IRequiredParameterOperations.ListNodeWithHttpMessagesAsync)));
            Assert.Contains("'shards'", error.Message);
        }

        public interface IReorderedOperations
        {
            Task<HttpOperationResponse<V1PodList>> ListNamespacedPodWithHttpMessagesAsync(
                int? timeoutSeconds, string? futureSelector, string namespaceParameter, bool? watch, string? fieldSelector,
                bool? futureFlag, string? labelSelector, int? limit, string? continueParameter, string? resourceVersion,
                string? resourceVersionMatch, bool? allowWatchBookmarks, CancellationToken cancellationToken);
        }

        public interface IRequiredParameterOperations
        {
            Task<HttpOperationResponse<V1PodList>> ListNodeWithHttpMessagesAsync(string? fieldSelector, int shards, CancellationToken cancellationToken);
        }

        private sealed class Recorder : IReorderedOperations, IRequiredParameterOperations
        {
            public Dictionary<string, object?>? Last { get; private set; }

            public Task<HttpOperationResponse<V1PodList>> ListNamespacedPodWithHttpMessagesAsync(
                int? timeoutSeconds, string? futureSelector, string namespaceParameter, bool? watch, string? fieldSelector,
                bool? futureFlag, string? labelSelector, int? limit, string? continueParameter, string? resourceVersion,
                string? resourceVersionMatch, bool? allowWatchBookmarks, CancellationToken cancellationToken)
            {
                Last = new Dictionary<string, object?>
                {
                    [nameof(timeoutSeconds)] = timeoutSeconds, [nameof(futureSelector)] = futureSelector,
                    [nameof(namespaceParameter)] = namespaceParameter, [nameof(watch)] = watch, [nameof(fieldSelector)] = fieldSelector,
                    [nameof(futureFlag)] = futureFlag, [nameof(labelSelector)] = labelSelector, [nameof(limit)] = limit,
                    [nameof(continueParameter)] = continueParameter, [nameof(resourceVersion)] = resourceVersion,
                    [nameof(resourceVersionMatch)] = resourceVersionMatch, [nameof(allowWatchBookmarks)] = allowWatchBookmarks,
                    [nameof(cancellationToken)] = cancellationToken,
                };
                return Task.FromResult(new HttpOperationResponse<V1PodList> { Body = new V1PodList() });
            }

            public Task<HttpOperationResponse<V1PodList>> ListNodeWithHttpMessagesAsync(string? fieldSelector, int shards, CancellationToken cancellationToken) =>
                throw new InvalidOperationException("never bound");
        }
    }
}
