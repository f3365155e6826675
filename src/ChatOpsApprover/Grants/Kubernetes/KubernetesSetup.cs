namespace ChatOpsApprover.Grants.Kubernetes;

public static class KubernetesSetup
{
    /// <summary>Registers the "kubernetes" kind of target.</summary>
    public static IServiceCollection AddKubernetesTargets(this IServiceCollection services) => services.AddGrantTargetType<KubernetesTargetType>();
}
