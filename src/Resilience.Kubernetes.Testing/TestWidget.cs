using System.Collections.Generic;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Resilience.Kubernetes.Testing
{
    /// <summary>A custom resource (group example.com, version v1, plural widgets) for the custom-object paths.</summary>
    public sealed class TestWidget : IKubernetesObject<V1ObjectMeta>
    {
        /// <inheritdoc />
        [JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "example.com/v1";

        /// <inheritdoc />
        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "Widget";

        /// <inheritdoc />
        [JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();

        /// <summary>Spec.</summary>
        [JsonPropertyName("spec")]
        public TestWidgetSpec? Spec { get; set; }
    }

    /// <summary>Widget spec.</summary>
    public sealed class TestWidgetSpec
    {
        /// <summary>Size.</summary>
        [JsonPropertyName("size")]
        public int Size { get; set; }
    }

    /// <summary>List of widgets.</summary>
    public sealed class TestWidgetList : IKubernetesObject<V1ListMeta>, IItems<TestWidget>
    {
        /// <inheritdoc />
        [JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "example.com/v1";

        /// <inheritdoc />
        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "WidgetList";

        /// <inheritdoc />
        [JsonPropertyName("metadata")]
        public V1ListMeta Metadata { get; set; } = new();

        /// <inheritdoc />
        [JsonPropertyName("items")]
        public IList<TestWidget> Items { get; set; } = new List<TestWidget>();
    }
}
