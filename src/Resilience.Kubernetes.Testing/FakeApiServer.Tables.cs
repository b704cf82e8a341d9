using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using k8s.Models;

namespace Resilience.Kubernetes.Testing
{
    /// <summary>Table output (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>), what kubectl asks for to print.</summary>
    public sealed partial class FakeApiServer
    {
        /// <summary>
        /// A meta.k8s.io Table of objects: <c>columnDefinitions</c> (the kind's columns), one row per object with its
        /// cells and, per <c>includeObject</c>, nothing (None), a PartialObjectMetadata (Metadata, the default) or the
        /// object (Object); <c>metadata</c> carries the list's resourceVersion and continue token.
        /// </summary>
        private sealed class TableOutput
        {
            private readonly string apiVersion;
            private readonly string includeObject;
            private readonly Func<DateTimeOffset> clock;

            public TableOutput(string apiVersion, string includeObject, Func<DateTimeOffset> clock)
            {
                this.apiVersion = apiVersion;
                this.includeObject = includeObject;
                this.clock = clock;
            }

            /// <summary>What kube-apiserver answers with, e.g. application/json;as=Table;v=v1;g=meta.k8s.io.</summary>
            public string ContentType => "application/json;as=Table;v=" + apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..] + ";g=meta.k8s.io";

            public string Render(ResourceType type, IReadOnlyList<Stored> items, V1ListMeta meta, bool withColumns)
            {
                var now = clock();
                var buffer = new ArrayBufferWriter<byte>();
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    w.WriteString("kind", "Table");
                    w.WriteString("apiVersion", apiVersion);
                    w.WriteStartObject("metadata");
                    w.WriteString("resourceVersion", meta.ResourceVersion);
                    if (!string.IsNullOrEmpty(meta.ContinueProperty)) w.WriteString("continue", meta.ContinueProperty);
                    w.WriteEndObject();
                    if (withColumns)
                    {
                        w.WriteStartArray("columnDefinitions");
                        foreach (var c in type.Columns)
                        {
                            w.WriteStartObject();
                            w.WriteString("name", c.Name);
                            w.WriteString("type", c.Type);
                            w.WriteString("format", c.Format);
                            w.WriteString("description", c.Description);
                            w.WriteNumber("priority", c.Priority);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    }

                    w.WriteStartArray("rows");
                    foreach (var item in items)
                    {
                        w.WriteStartObject();
                        w.WriteStartArray("cells");
                        foreach (var cell in type.Cells(item.Json, now))
                        {
                            switch (cell)
                            {
                                case null: w.WriteNullValue(); break;
                                case string s: w.WriteStringValue(s); break;
                                case int i: w.WriteNumberValue(i); break;
                                case long l: w.WriteNumberValue(l); break;
                                default: w.WriteStringValue(Convert.ToString(cell, System.Globalization.CultureInfo.InvariantCulture)); break;
                            }
                        }

                        w.WriteEndArray();
                        switch (includeObject)
                        {
                            case "Object":
                                w.WritePropertyName("object");
                                w.WriteRawValue(item.Json, skipInputValidation: true);
                                break;
                            case "Metadata":
                                using (var doc = JsonDocument.Parse(item.Json))
                                {
                                    w.WriteStartObject("object");
                                    w.WriteString("kind", "PartialObjectMetadata");
                                    w.WriteString("apiVersion", apiVersion);
                                    w.WritePropertyName("metadata");
                                    doc.RootElement.GetProperty("metadata").WriteTo(w);
                                    w.WriteEndObject();
                                }

                                break;
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                return Encoding.UTF8.GetString(buffer.WrittenSpan);
            }
        }
    }
}
