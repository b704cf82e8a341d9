using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using ResilienceAnalyzers.Analysis;
using ResilienceAnalyzers.Infrastructure;

namespace ResilienceAnalyzers.Kubernetes
{
    /// <summary>
    /// Requests to the API server that do not go through the client: an <c>HttpClient</c> GET whose URI is an API path
    /// (agents that read the service-account token and call <c>https://kubernetes.default.svc</c> themselves), and
    /// <c>kubectl get …</c> run as a process. Each becomes a <see cref="KubernetesCall"/> of shape
    /// <see cref="ClientShape.RawHttp"/> or <see cref="ClientShape.Kubectl"/> whose parameters are read from the URI's
    /// query or the command line (<see cref="ApiRequestText"/>), so RES1001–RES1004 judge it as they judge the client's.
    /// </summary>
    /// <remarks>
    /// Precision first: a URI is an API call only when its text, traced through constants, concatenations,
    /// interpolations, locals, <c>new Uri(base, relative)</c> and parameters (to the callers inside the same type), is an
    /// API-server resource path of a kind this class knows, with nothing around it that says another service
    /// (<see cref="ApiRequestText.TryParseUri"/>). Only a request whose own file mentions an API path or kubectl is read
    /// (<see cref="Mentioned(SyntaxTree)"/>, once per file, on the file's first candidate call).
    /// </remarks>
    internal static class RawApiCalls
    {
        /// <summary>How many different texts a traced value may have (one per caller, say) before the rest are left out. A cost bound.</summary>
        private const int MaxAlternatives = 4;

        /// <summary>How deep a value is traced (locals, parameters, operands). A cost bound, not a measurement.</summary>
        private const int MaxDepth = 8;

        private static readonly string[] Hole = { StringValue.Hole.ToString() };

        /// <summary>
        /// The syntax test, before any symbol: a call whose name could send a GET (<c>GetAsync</c>, <c>GetStringAsync</c>,
        /// <c>GetStreamAsync</c>, <c>GetByteArrayAsync</c>, <c>GetFromJsonAsync</c>, <c>SendAsync</c>), start a process
        /// (<c>Start</c>) or run kubectl through a helper named for it (<c>RunKubectlAsync</c>, <c>InvokeKubectlCommand</c>).
        /// </summary>
        public static bool MayBeRaw(string? name)
        {
            switch (name)
            {
                case null:
                    return false;
                case "GetAsync":
                case "GetStringAsync":
                case "GetStreamAsync":
                case "GetByteArrayAsync":
                case "GetFromJsonAsync":
                case "SendAsync":
                case "Start":
                    return true;
                default:
                    return name.IndexOf("ubectl", StringComparison.Ordinal) > 0;
            }
        }

        /// <summary>Some tree of the compilation mentions an API path, a watch query or kubectl (<see cref="Mentioned(SyntaxTree)"/>).</summary>
        public static bool Mentioned(Compilation compilation)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (Mentioned(tree))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The tree's source mentions an API path, a watch query or kubectl (<c>/api/v1</c>, <c>/apis/</c>, <c>watch=</c>,
        /// <c>ubectl</c>): read from its text with one small buffer, no syntax walk. Comments pass too; that only costs the
        /// tracing that follows. Asked of the request's own file, not of the whole compilation: reading every tree's text was
        /// ~2 ms of RES1001's telemetry on Steeltoe (289 files), paid by any project with one <c>GetAsync</c> call
        /// (docs/performance.md, "Eighth session"). A request whose path is written only in another file is not read.
        /// </summary>
        public static bool Mentioned(SyntaxTree tree) => Contains(tree.GetText(), new char[4096]);

        private static readonly string[] Needles = { "/api/v1", "/apis/", "watch=", "ubectl" };

        private static bool Contains(SourceText text, char[] buffer)
        {
            const int overlap = 8; // longer than every needle but one character
            int length = text.Length;
            for (int start = 0; start < length; start += buffer.Length - overlap)
            {
                int count = Math.Min(buffer.Length, length - start);
                text.CopyTo(start, buffer, 0, count);
                for (int i = 0; i < count; i++)
                {
                    char c = buffer[i];
                    if (c != '/' && c != 'w' && c != 'u')
                    {
                        continue;
                    }

                    foreach (var needle in Needles)
                    {
                        if (needle[0] == c && i + needle.Length <= count && Matches(buffer, i, needle))
                        {
                            return true;
                        }
                    }
                }

                if (start + count >= length)
                {
                    break;
                }
            }

            return false;
        }

        private static bool Matches(char[] buffer, int at, string needle)
        {
            for (int j = 1; j < needle.Length; j++)
            {
                if (buffer[at + j] != needle[j])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The API request <paramref name="invocation"/> makes without the client, or false.</summary>
        /// <summary>
        /// A method that can send a raw request: an <c>HttpClient</c> (or JSON extension) method, <c>Process.Start</c>, or a
        /// helper named for kubectl. Asked before the file's text is read, so a project's other <c>Start</c>s and
        /// <c>SendAsync</c>s cost a symbol test each.
        /// </summary>
        public static bool IsCandidate(IMethodSymbol method)
        {
            var type = method.ContainingType;
            return type != null
                && (method.Name.IndexOf("ubectl", StringComparison.Ordinal) > 0
                    || (method.Name == "Start" && Namespaces.IsType(type, "System.Diagnostics", "Process"))
                    || Namespaces.IsType(type, "System.Net.Http", "HttpClient") || Namespaces.IsType(type, "System.Net.Http", "HttpMessageInvoker")
                    || Namespaces.IsType(type, "System.Net.Http.Json", "HttpClientJsonExtensions"));
        }

        public static bool TryGetCall(IInvocationOperation invocation, ResilienceCompilation model, out KubernetesCall? call)
        {
            call = null;
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (type == null)
            {
                return false;
            }

            if (method.Name.IndexOf("ubectl", StringComparison.Ordinal) > 0)
            {
                return TryGetKubectlHelperCall(invocation, model, out call);
            }

            if (method.Name == "Start" && Namespaces.IsType(type, "System.Diagnostics", "Process"))
            {
                return TryGetProcessCall(invocation, model, out call);
            }

            if (Namespaces.IsType(type, "System.Net.Http", "HttpClient") || Namespaces.IsType(type, "System.Net.Http", "HttpMessageInvoker")
                || Namespaces.IsType(type, "System.Net.Http.Json", "HttpClientJsonExtensions"))
            {
                return TryGetHttpCall(invocation, model, out call);
            }

            return false;
        }

        private static bool TryGetHttpCall(IInvocationOperation invocation, ResilienceCompilation model, out KubernetesCall? call)
        {
            call = null;
            IOperation? uri = null;
            foreach (var argument in invocation.Arguments)
            {
                string? parameter = argument.Parameter?.Name;
                if (parameter == "requestUri" && invocation.TargetMethod.Name != "SendAsync")
                {
                    uri = argument.Value;
                }
                else if (parameter == "request" && invocation.TargetMethod.Name == "SendAsync" && !TryReadRequestMessage(argument.Value, out uri))
                {
                    return false;
                }
            }

            if (uri == null)
            {
                return false;
            }

            ApiRequestText? best = null;
            foreach (var text in Trace(uri, model, followParameters: true, depth: 0))
            {
                if (ApiRequestText.TryParseUri(text, out var request) && (best == null || best.CostKindUnknown && !request!.CostKindUnknown))
                {
                    best = request;
                }
            }

            if (best == null)
            {
                return false;
            }

            call = best.ToCall(invocation);
            return true;
        }

        /// <summary>
        /// An <c>HttpRequestMessage</c> made where it is sent (or in a local's initializer): its URI, when its method is GET
        /// (<c>HttpMethod.Get</c>, <c>new HttpMethod("GET")</c>, or none: a new message's method is GET).
        /// </summary>
        private static bool TryReadRequestMessage(IOperation value, out IOperation? uri)
        {
            uri = null;
            value = Unwrap.Conversions(value);
            if (value is ILocalReferenceOperation local)
            {
                value = StringValue.InitializerOf(local) is IOperation initializer ? Unwrap.Conversions(initializer) : value;
            }

            if (!(value is IObjectCreationOperation creation) || !Namespaces.IsType(creation.Type, "System.Net.Http", "HttpRequestMessage"))
            {
                return false;
            }

            IOperation? method = null;
            foreach (var argument in creation.Arguments)
            {
                if (argument.Parameter?.Name == "method")
                {
                    method = argument.Value;
                }
                else if (argument.Parameter?.Name == "requestUri")
                {
                    uri = argument.Value;
                }
            }

            if (creation.Initializer != null)
            {
                foreach (var initializer in creation.Initializer.Initializers)
                {
                    if (initializer is ISimpleAssignmentOperation assignment && assignment.Target is IPropertyReferenceOperation property)
                    {
                        if (property.Property.Name == "Method")
                        {
                            method = assignment.Value;
                        }
                        else if (property.Property.Name == "RequestUri")
                        {
                            uri = assignment.Value;
                        }
                    }
                }
            }

            return uri != null && (method == null || IsGet(method));
        }

        private static bool IsGet(IOperation method)
        {
            method = Unwrap.Conversions(method);
            return method is IPropertyReferenceOperation { Property: { Name: "Get" } } property && Namespaces.IsType(property.Property.ContainingType, "System.Net.Http", "HttpMethod")
                || method is IObjectCreationOperation creation && creation.Arguments.Length == 1
                    && Unwrap.Conversions(creation.Arguments[0].Value).ConstantValue is { HasValue: true, Value: string verb }
                    && string.Equals(verb, "GET", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>
        /// <c>Process.Start("kubectl", "get pods -A")</c>, <c>Process.Start(new ProcessStartInfo { FileName = "kubectl", Arguments = … })</c>
        /// (or a local holding it), <c>process.Start()</c> on <c>new Process { StartInfo = … }</c>. The file name must end
        /// in <c>kubectl</c>. Arguments from a parameter are not followed here: the callers of a helper that runs kubectl are
        /// recognized where they pass the command (<see cref="TryGetKubectlHelperCall"/>), so one request is one diagnostic.
        /// </summary>
        private static bool TryGetProcessCall(IInvocationOperation invocation, ResilienceCompilation model, out KubernetesCall? call)
        {
            call = null;
            IOperation? fileName = null, arguments = null, startInfo = null;
            if (invocation.Instance != null)
            {
                var process = Unwrap.Conversions(invocation.Instance);
                if (process is ILocalReferenceOperation local && StringValue.InitializerOf(local) is IOperation initializer)
                {
                    process = Unwrap.Conversions(initializer);
                }

                if (process is IObjectCreationOperation { Initializer: { } processInitializer })
                {
                    foreach (var member in processInitializer.Initializers)
                    {
                        if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "StartInfo" } } } assignment)
                        {
                            startInfo = assignment.Value;
                        }
                    }
                }
            }

            foreach (var argument in invocation.Arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "fileName": fileName = argument.Value; break;
                    case "arguments" when argument.Parameter.Type.SpecialType == SpecialType.System_String: arguments = argument.Value; break;
                    case "startInfo": startInfo = argument.Value; break;
                }
            }

            if (startInfo != null && !TryReadStartInfo(startInfo, out fileName, out arguments))
            {
                return false;
            }

            if (fileName == null || arguments == null || !EndsWithKubectl(fileName, model))
            {
                return false;
            }

            return TryParseKubectl(invocation, arguments, model, followParameters: false, out call);
        }

        private static bool TryReadStartInfo(IOperation value, out IOperation? fileName, out IOperation? arguments)
        {
            fileName = null;
            arguments = null;
            value = Unwrap.Conversions(value);
            if (value is ILocalReferenceOperation local && StringValue.InitializerOf(local) is IOperation initializer)
            {
                value = Unwrap.Conversions(initializer);
            }

            if (!(value is IObjectCreationOperation creation) || !Namespaces.IsType(creation.Type, "System.Diagnostics", "ProcessStartInfo"))
            {
                return false;
            }

            foreach (var argument in creation.Arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "fileName": fileName = argument.Value; break;
                    case "arguments" when argument.Parameter.Type.SpecialType == SpecialType.System_String: arguments = argument.Value; break;
                }
            }

            foreach (var member in creation.Initializer?.Initializers ?? default)
            {
                if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment)
                {
                    if (property.Property.Name == "FileName")
                    {
                        fileName = assignment.Value;
                    }
                    else if (property.Property.Name == "Arguments")
                    {
                        arguments = assignment.Value;
                    }
                }
            }

            return true;
        }

        private static bool EndsWithKubectl(IOperation fileName, ResilienceCompilation model)
        {
            foreach (var text in Trace(fileName, model, followParameters: false, depth: 0))
            {
                string name = text.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? text.Substring(0, text.Length - 4) : text;
                if (name.EndsWith("kubectl", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A call of a method named for kubectl (<c>RunKubectlAsync("get pods -A")</c>, Bridge to Kubernetes'
        /// <c>InvokeShortRunningKubectlCommandAsync(…, $"-n {ns} get ingressroutes -o json", …)</c>) with a string argument
        /// that reads as a <c>kubectl get</c> command line.
        /// </summary>
        private static bool TryGetKubectlHelperCall(IInvocationOperation invocation, ResilienceCompilation model, out KubernetesCall? call)
        {
            call = null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.DefaultValue && argument.Parameter?.Type.SpecialType == SpecialType.System_String
                    && TryParseKubectl(invocation, argument.Value, model, followParameters: true, out call))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool TryParseKubectl(IInvocationOperation invocation, IOperation arguments, ResilienceCompilation model, bool followParameters, out KubernetesCall? call)
        {
            call = null;
            foreach (var text in Trace(arguments, model, followParameters, depth: 0))
            {
                if (ApiRequestText.TryParseKubectl(text, out var request))
                {
                    call = request!.ToCall(invocation);
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The texts a string value can have: constants, concatenations, interpolations (their holes traced too), a local's
        /// initializer, a read-only field's initializer, <c>new Uri(…)</c> (a base URI's text is a hole), and — with
        /// <paramref name="followParameters"/> — what the callers inside the method's type pass for a parameter. Unknown parts
        /// are <see cref="StringValue.Hole"/>.
        /// </summary>
        internal static IReadOnlyList<string> Trace(IOperation? operation, ResilienceCompilation model, bool followParameters, int depth)
        {
            if (operation == null || depth > MaxDepth)
            {
                return Hole;
            }

            operation = Unwrap.Conversions(operation);
            if (operation.ConstantValue.HasValue)
            {
                return new[] { operation.ConstantValue.Value as string ?? string.Empty };
            }

            switch (operation)
            {
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Add:
                    return Concat(Trace(binary.LeftOperand, model, followParameters, depth + 1), Trace(binary.RightOperand, model, followParameters, depth + 1));

                case IInterpolatedStringOperation interpolated:
                    IReadOnlyList<string> texts = new[] { string.Empty };
                    foreach (var part in interpolated.Parts)
                    {
                        texts = Concat(texts, part is IInterpolatedStringTextOperation text
                            ? Trace(text.Text, model, followParameters, depth + 1)
                            : part is IInterpolationOperation hole ? Trace(hole.Expression, model, followParameters, depth + 1) : Hole);
                    }

                    return texts;

                case ILocalReferenceOperation local:
                    return StringValue.InitializerOf(local) is IOperation initializer ? Trace(initializer, model, followParameters, depth + 1) : Hole;

                case IFieldReferenceOperation field when field.Field.IsReadOnly:
                    return FieldInitializer(field.Field, model) is IOperation value ? Trace(value, model, followParameters, depth + 1) : Hole;

                case IParameterReferenceOperation parameter when followParameters:
                    return FromCallers(parameter.Parameter, model, depth);

                case IObjectCreationOperation creation when Namespaces.IsType(creation.Type, "System", "Uri") && creation.Arguments.Length > 0:
                    // new Uri(text[, UriKind]) is its text; new Uri(baseUri, relative) is a base not known here and the relative part.
                    var first = creation.Arguments[0];
                    return Namespaces.IsType(first.Parameter?.Type, "System", "Uri") && creation.Arguments.Length > 1
                        ? Concat(Hole, Trace(creation.Arguments[1].Value, model, followParameters, depth + 1))
                        : Trace(first.Value, model, followParameters, depth + 1);

                case IInvocationOperation { TargetMethod: { Name: "ToString" }, Instance: { } instance } when Namespaces.IsType(instance.Type, "System", "Uri"):
                    return Trace(instance, model, followParameters, depth + 1);
            }

            return Hole;
        }

        /// <summary>What the callers inside the method's own type pass for <paramref name="parameter"/> (<see cref="ResilienceCompilation.TypeSyntaxCallers"/>).</summary>
        private static IReadOnlyList<string> FromCallers(IParameterSymbol parameter, ResilienceCompilation model, int depth)
        {
            if (!(parameter.ContainingSymbol is IMethodSymbol method) || method.MethodKind == MethodKind.AnonymousFunction
                || method.MethodKind == MethodKind.LocalFunction || method.ContainingType == null)
            {
                return Hole;
            }

            List<string>? texts = null;
            foreach (var site in model.TypeSyntaxCallers(method.ContainingType).SitesOf(method))
            {
                if (CallerArguments.ValueAt(site, parameter) is IOperation value)
                {
                    foreach (var text in Trace(value, model, followParameters: true, depth + 1))
                    {
                        texts ??= new List<string>();
                        if (texts.Count < MaxAlternatives && !texts.Contains(text))
                        {
                            texts.Add(text);
                        }
                    }
                }
            }

            return texts ?? (IReadOnlyList<string>)Hole;
        }

        private static IOperation? FieldInitializer(IFieldSymbol field, ResilienceCompilation model)
        {
            if (field.DeclaringSyntaxReferences.Length != 1
                || !(field.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer: { } initializer } declarator))
            {
                return null;
            }

            return model.ModelFor(declarator.SyntaxTree).GetOperation(initializer.Value);
        }

        private static IReadOnlyList<string> Concat(IReadOnlyList<string> left, IReadOnlyList<string> right)
        {
            if (left.Count == 1 && right.Count == 1)
            {
                return new[] { left[0] + right[0] };
            }

            var texts = new List<string>();
            foreach (var l in left)
            {
                foreach (var r in right)
                {
                    if (texts.Count < MaxAlternatives)
                    {
                        texts.Add(l + r);
                    }
                }
            }

            return texts;
        }
    }
}
