namespace Resilience.Kubernetes
{
    /// <summary>
    /// The query of one LIST or WATCH request, handed to the delegates of a <see cref="ListWatch{TItem, TList}"/>.
    /// Each property maps to the parameter of the same name of the client's <c>List…WithHttpMessagesAsync</c>
    /// operations (<c>continueParameter</c> for <see cref="Continue"/>, <c>watch</c> for <see cref="Watch"/>).
    /// A null property means "leave the parameter out".
    /// </summary>
    public sealed record ListOptions
    {
        /// <summary><c>fieldSelector</c>, e.g. <c>spec.nodeName=node-1</c>.</summary>
        public string? FieldSelector { get; init; }

        /// <summary><c>labelSelector</c>, e.g. <c>app=web</c>.</summary>
        public string? LabelSelector { get; init; }

        /// <summary><c>resourceVersion</c>: "0" reads the API server's watch cache; null is a consistent read.</summary>
        public string? ResourceVersion { get; init; }

        /// <summary><c>resourceVersionMatch</c>.</summary>
        public string? ResourceVersionMatch { get; init; }

        /// <summary><c>limit</c> (page size); ignored by the server for <c>resourceVersion=0</c> and for watches.</summary>
        public int? Limit { get; init; }

        /// <summary><c>continue</c> token of the previous page.</summary>
        public string? Continue { get; init; }

        /// <summary><c>watch</c>: true for the WATCH call of a list/watch pair.</summary>
        public bool Watch { get; init; }

        /// <summary><c>allowWatchBookmarks</c>.</summary>
        public bool? AllowWatchBookmarks { get; init; }

        /// <summary><c>timeoutSeconds</c>.</summary>
        public int? TimeoutSeconds { get; init; }

        /// <summary>
        /// <c>sendInitialEvents</c> (KEP-3157, streaming initial list): with <c>watch=true</c>,
        /// <c>resourceVersionMatch=NotOlderThan</c> and <c>allowWatchBookmarks=true</c>, the server first sends every
        /// object as ADDED, then a BOOKMARK annotated <c>k8s.io/initial-events-end: "true"</c>, then the changes.
        /// </summary>
        public bool? SendInitialEvents { get; init; }
    }
}
