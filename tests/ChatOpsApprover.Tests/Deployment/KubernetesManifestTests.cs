using System.Reflection;
using ChatOpsApprover.Audit;
using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Health;
using ChatOpsApprover.StepUp;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using static ChatOpsApprover.Tests.Deployment.KubernetesManifests;

namespace ChatOpsApprover.Tests.Deployment;

/// <summary>
/// manifests/kubernetes: every file parses as the Kubernetes object it claims to be and is listed in the
/// kustomization, and the Deployment's probes, ports, user and secrets match the app and its Dockerfile.
/// </summary>
public sealed class KubernetesManifestTests
{
    private const string SecretName = "chatopsapprover-secrets";

    /// <summary>The settings that are secrets: each comes from the Secret, never from a file or a literal.</summary>
    private static readonly string[] SecretSettings =
        ["ConnectionStrings:Postgres", "Slack:SigningSecret", "Slack:BotToken", "Teams:AppPassword", "DataProtection:KeyEncryptionKey", "Audit:ExportToken"];

    [Fact]
    public void TheKustomization_ListsEveryFile_AndOnlyFilesThatExist()
    {
        var kustomization = Kustomization();
        var generated = Maps(kustomization, "configMapGenerator").SelectMany(g => Strings(g, "files")).ToList();
        var listed = Strings(kustomization, "resources").Concat(generated).ToList();

        var present = Directory.GetFiles(Folder).Select(Path.GetFileName).Where(f => f != "kustomization.yaml");
        Assert.Equal(present.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal("Kustomization", Scalar(kustomization, "kind"));
    }

    [Fact]
    public void EveryResource_ParsesAsTheKubernetesObjectItClaimsToBe()
    {
        var resources = Strings(Kustomization(), "resources").ToList();
        Assert.NotEmpty(resources);
        foreach (var file in resources)
        {
            var objects = Load(file);
            Assert.NotEmpty(objects);
            foreach (var loaded in objects)
            {
                var resource = Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(loaded);
                var entity = loaded.GetType().GetCustomAttribute<KubernetesEntityAttribute>()!;
                Assert.Equal(entity.Kind, resource.Kind);
                Assert.Equal(string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}", resource.ApiVersion);
                Assert.False(string.IsNullOrEmpty(resource.Metadata?.Name), $"{file}: every object has a name");
            }
        }

        Assert.Equal(
            ["Deployment", "Job", "PodDisruptionBudget", "Service"],
            resources.SelectMany(Load).Cast<IKubernetesObject>().Select(o => o.Kind).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheDeployment_RunsTwoReplicas_OnTheImagesPort_WithProbesOnTheAppsEndpoints()
    {
        var deployment = Single<V1Deployment>();
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        var port = Assert.Single(container.Ports);

        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("chatopsapprover", container.Image);
        Assert.Equal(int.Parse(Dockerfile.Shipped.Single("EXPOSE")), port.ContainerPort);
        Assert.Equal(Dockerfile.Shipped.Environment["ASPNETCORE_HTTP_PORTS"], $"{port.ContainerPort}");
        Assert.Equal("http", port.Name);

        Assert.Equal(HealthSetup.ReadinessPath, container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(HealthSetup.LivenessPath, container.LivenessProbe.HttpGet.Path);
        Assert.Equal(HealthSetup.LivenessPath, container.StartupProbe.HttpGet.Path);
        Assert.All([container.ReadinessProbe, container.LivenessProbe, container.StartupProbe], probe =>
        {
            Assert.Equal(port.Name, probe.HttpGet.Port.Value);

            // Longer than a check may take, so a slow dependency is reported by the app, not cut off by the kubelet.
            Assert.True(probe.TimeoutSeconds > HealthSetup.CheckTimeout.TotalSeconds, "the probe waits for the app's own time-out");
        });
    }

    [Fact]
    public void TheDeployment_HasRequestsAndLimits_AndRunsAsTheImagesUser_OnAReadOnlyRootFilesystem()
    {
        var pod = Single<V1Deployment>().Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        foreach (var resource in new[] { "cpu", "memory" })
        {
            Assert.True(container.Resources.Requests[resource].ToDecimal() <= container.Resources.Limits[resource].ToDecimal(), $"{resource}: the request fits the limit");
        }

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal(Dockerfile.Shipped.Single("USER"), $"{pod.SecurityContext.RunAsUser}");
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.False(pod.AutomountServiceAccountToken);
    }

    [Fact]
    public void TheDeployment_TakesEverySecretFromTheSecret_AndTheSettingsFromTheGeneratedConfigMap()
    {
        var deployment = Single<V1Deployment>();
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);

        // Every variable is a reference to the Secret: no value is written in the manifests.
        Assert.All(container.Env, e =>
        {
            Assert.Null(e.Value);
            Assert.Equal(SecretName, e.ValueFrom.SecretKeyRef.Name);
        });
        var targets = OperatorSettings().GetSection("Targets").GetChildren().Select(t => $"Targets:{t.Key}:ConnectionString");
        Assert.Equal(
            SecretSettings.Concat(targets).Select(EnvironmentName).Order(StringComparer.Ordinal),
            container.Env.Select(e => e.Name).Order(StringComparer.Ordinal));

        // The operator's appsettings.json, mounted over the image's own in its working directory.
        var generator = Assert.Single(Maps(Kustomization(), "configMapGenerator"));
        var volume = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.ConfigMap is not null);
        var mount = Assert.Single(container.VolumeMounts, m => m.Name == volume.Name);
        Assert.Equal(Scalar(generator, "name"), volume.ConfigMap.Name);
        Assert.Equal($"{Dockerfile.Shipped.Single("WORKDIR")}/appsettings.json", mount.MountPath);
        Assert.Equal("appsettings.json", mount.SubPath);
        Assert.Contains("appsettings.json", Strings(generator, "files"));
    }

    [Fact]
    public void TheOperatorsSettings_HoldNoSecret_AndBindAndValidateAsTheAppReadsThem()
    {
        var settings = OperatorSettings();
        foreach (var secret in SecretSettings.Append("Hangfire:DashboardPassword"))
        {
            Assert.True(string.IsNullOrEmpty(settings[secret]), $"{secret} comes from the Secret, not the ConfigMap");
        }

        Assert.Null(settings["Urls"]);
        Assert.All(settings.GetSection("Targets").GetChildren(), t => Assert.Null(t["ConnectionString"]));

        // With the secrets the Deployment adds from the environment, the app accepts them.
        var withSecrets = new ConfigurationBuilder()
            .AddConfiguration(settings)
            .AddInMemoryCollection(settings.GetSection("Targets").GetChildren().Select(t => KeyValuePair.Create($"Targets:{t.Key}:ConnectionString", (string?)"Host=db")))
            .Build();
        Assert.Empty(Registered.Access(withSecrets).Validate(Registered.Defaults));
        Assert.Empty(withSecrets.GetSection("Slack").Get<SlackOptions>()!.Validate());
        Assert.Empty(withSecrets.GetSection("Teams").Get<TeamsOptions>()!.Validate());
        Assert.Empty(withSecrets.GetSection("StepUp").Get<StepUpOptions>()!.Validate());
        Assert.Empty(withSecrets.GetSection("Audit").Get<AuditOptions>()!.Validate());
    }

    [Fact]
    public void TheServiceAndTheDisruptionBudget_SelectTheBotsPods_AndNotTheMigrations()
    {
        var deployment = Single<V1Deployment>();
        var service = Single<V1Service>();
        var budget = Single<V1PodDisruptionBudget>();
        var job = Single<V1Job>();
        var labels = deployment.Spec.Template.Metadata.Labels;

        Assert.Equal(deployment.Spec.Selector.MatchLabels, labels);
        Assert.Equal(labels, service.Spec.Selector);
        Assert.Equal(labels, budget.Spec.Selector.MatchLabels);
        Assert.False(labels.All(l => job.Spec.Template.Metadata.Labels.Contains(l)), "the migration's pod is no replica: the Service must not route to it");

        var servicePort = Assert.Single(service.Spec.Ports);
        Assert.Equal(Assert.Single(Assert.Single(deployment.Spec.Template.Spec.Containers).Ports).Name, servicePort.TargetPort.Value);

        // A drain keeps at least one replica, and can still move one.
        Assert.InRange(budget.Spec.MinAvailable.ToInt(), 1, deployment.Spec.Replicas!.Value - 1);
    }

    [Fact]
    public void TheMigrationJob_MigratesAsTheOwner_AndGrantsTheRunTimeRole()
    {
        var job = Single<V1Job>();
        var pod = job.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var deploymentConnection = Assert.Single(Assert.Single(Single<V1Deployment>().Spec.Template.Spec.Containers).Env, e => e.Name == "ConnectionStrings__Postgres");

        Assert.Equal(["migrate", "--app-role"], container.Args.Take(2));
        Assert.Matches("^[a-z_][a-z0-9_]*$", Assert.Single(container.Args.Skip(2)));
        var connection = Assert.Single(container.Env);
        Assert.Equal("ConnectionStrings__Postgres", connection.Name);
        Assert.Equal(SecretName, connection.ValueFrom.SecretKeyRef.Name);
        Assert.NotEqual(deploymentConnection.ValueFrom.SecretKeyRef.Key, connection.ValueFrom.SecretKeyRef.Key);
        Assert.Equal("Never", pod.RestartPolicy);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.NotNull(container.Resources.Limits);
    }

    private static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static IConfiguration OperatorSettings() =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(Folder, "appsettings.json")).Build();
}
