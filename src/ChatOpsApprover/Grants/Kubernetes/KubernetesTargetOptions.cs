namespace ChatOpsApprover.Grants.Kubernetes;

/// <summary>Settings under Targets:&lt;name&gt; of a target with Type "kubernetes".</summary>
public sealed class KubernetesTargetOptions
{
    /// <summary>Path of a kubeconfig file; empty: the in-cluster configuration (the bot's service account).</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context to use; empty: its current-context.</summary>
    public string? Context { get; set; }
}
