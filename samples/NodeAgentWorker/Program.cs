// A per-node agent, run as a DaemonSet with NODE_NAME from the downward API (fieldRef spec.nodeName):
//   dotnet run --project samples/NodeAgentWorker -- --Kubernetes:Host=http://127.0.0.1:8001   (kubectl proxy; else in-cluster / kubeconfig)
await NodeAgentWorker.NodeAgent.Build(args).RunAsync();
