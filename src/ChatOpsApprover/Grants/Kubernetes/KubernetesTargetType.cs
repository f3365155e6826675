using System.Text.RegularExpressions;
using k8s;

namespace ChatOpsApprover.Grants.Kubernetes;

/// <summary>Targets of Type "kubernetes": a ClusterRole bound to a user or group for one request (README: Kubernetes target).</summary>
public sealed partial class KubernetesTargetType : GrantTargetType<KubernetesTargetOptions, KubernetesRoleOptions>
{
    public const string Key = "kubernetes";

    /// <summary>How long one call to the API server may take: an unreachable cluster must not hold a revocation lane for the client's default 100 s.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    public override string Type => Key;

    protected override IEnumerable<string> Validate(string key, KubernetesTargetOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Kubeconfig))
        {
            if (!KubernetesClientConfiguration.IsInCluster())
            {
                yield return $"{key}:Kubeconfig: give the path of a kubeconfig file; it may be empty only when the bot runs in the cluster (with a service account).";
            }

            yield break;
        }

        string? problem = null;
        IReadOnlyCollection<string> contexts = [];
        try
        {
            contexts = (KubernetesClientConfiguration.LoadKubeConfig(options.Kubeconfig).Contexts ?? []).Select(c => c.Name).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or k8s.Exceptions.KubeConfigException or YamlDotNet.Core.YamlException)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            yield return $"{key}:Kubeconfig: \"{options.Kubeconfig}\" cannot be read ({problem}).";
        }
        else if (!string.IsNullOrWhiteSpace(options.Context) && !contexts.Contains(options.Context))
        {
            yield return $"{key}:Context: \"{options.Context}\" is not a context of {options.Kubeconfig}; use one of: {string.Join(", ", contexts)}.";
        }
    }

    protected override IEnumerable<string> ValidateRole(string key, KubernetesRoleOptions role)
    {
        if (!string.IsNullOrEmpty(role.Namespace) && !DnsLabel().IsMatch(role.Namespace))
        {
            yield return $"{key}:Namespace: \"{role.Namespace}\" is not a namespace name (lowercase letters, digits and '-', at most 63, e.g. payments); leave it out for a cluster-wide binding.";
        }

        if (role.Grant is { } grant && (grant is "." or ".." || grant.IndexOfAny(['/', '%']) >= 0))
        {
            yield return $"{key}:Grant: \"{grant}\" cannot name a ClusterRole (no '/', '%', '.' or '..'); e.g. view.";
        }
    }

    protected override IGrantTarget Create(string name, KubernetesTargetOptions options, IReadOnlyList<(TargetRole Role, KubernetesRoleOptions Options)> roles)
    {
        var config = string.IsNullOrWhiteSpace(options.Kubeconfig)
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, string.IsNullOrWhiteSpace(options.Context) ? null : options.Context);
        config.HttpClientTimeout = CallTimeout;
        var namespaces = roles.ToDictionary(r => r.Role.Name, r => string.IsNullOrEmpty(r.Options.Namespace) ? null : r.Options.Namespace, StringComparer.OrdinalIgnoreCase);
        return new KubernetesTarget(name, new k8s.Kubernetes(config), namespaces);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
