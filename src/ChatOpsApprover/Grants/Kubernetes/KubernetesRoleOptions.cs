namespace ChatOpsApprover.Grants.Kubernetes;

/// <summary>What a role on a "kubernetes" target says beside Target (under Roles:&lt;name&gt;).</summary>
public sealed class KubernetesRoleOptions
{
    /// <summary>The ClusterRole the role grants.</summary>
    public string? Grant { get; set; }

    /// <summary>Where: a RoleBinding in this namespace, or, when empty, a ClusterRoleBinding (cluster-wide).</summary>
    public string? Namespace { get; set; }
}
