using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace ChatOpsApprover.Tests.Deployment;

/// <summary>manifests/kubernetes: its kustomization, and each resource file read with the Kubernetes client's own models.</summary>
internal static class KubernetesManifests
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "manifests", "kubernetes");

    public static YamlMappingNode Kustomization()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Folder, "kustomization.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)Assert.Single(yaml.Documents).RootNode;
    }

    public static IEnumerable<string> Strings(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode list
            ? list.Children.Select(c => ((YamlScalarNode)c).Value!)
            : [];

    public static IEnumerable<YamlMappingNode> Maps(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode list
            ? list.Children.Cast<YamlMappingNode>()
            : [];

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    /// <summary>The objects in one resource file, as the Kubernetes client reads them (strictly: an unknown field fails).</summary>
    public static List<object> Load(string file) =>
        KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Folder, file)), typeMap: null, strict: true);

    /// <summary>The one object of type <typeparamref name="T"/> among the kustomization's resources.</summary>
    public static T Single<T>() where T : IKubernetesObject =>
        Assert.Single(Strings(Kustomization(), "resources").SelectMany(Load).OfType<T>());
}
