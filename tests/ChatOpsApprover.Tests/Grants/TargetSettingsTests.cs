using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Grants.Kubernetes;
using ChatOpsApprover.Grants.Postgres;
using ChatOpsApprover.Grants.Webhook;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatOpsApprover.Tests.Grants;

/// <summary>Webhook and Kubernetes targets check their own settings, and their roles', at start-up, naming the key.</summary>
public sealed class TargetSettingsTests : IDisposable
{
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");

    private readonly Registrations _registered = new(
        [new SlackChat(), new TeamsChat()],
        [new PostgresTargetType(), new WebhookTargetType(new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>()), new KubernetesTargetType()]);

    public TargetSettingsTests() => File.WriteAllText(_kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: prod
          cluster:
            server: https://127.0.0.1:6443
        users:
        - name: bot
          user:
            token: abc
        contexts:
        - name: prod
          context:
            cluster: prod
            user: bot
        current-context: prod
        """);

    public void Dispose() => File.Delete(_kubeconfig);

    private Dictionary<string, string?> Settings() => new(Registered.ExampleSettings())
    {
        ["Targets:tool:Type"] = "webhook",
        ["Targets:tool:Url"] = "https://access.example.com/chatops",
        ["Targets:tool:Secret"] = new string('s', 32),
        ["Roles:tool-admin:Target"] = "tool",
        ["Roles:tool-admin:Grant"] = "admin",
        ["Roles:tool-admin:Approvers:0"] = "bob",
        ["Roles:tool-admin:SlackChannel"] = "C1",
        ["Targets:k8s:Type"] = "kubernetes",
        ["Targets:k8s:Kubeconfig"] = _kubeconfig,
        ["Targets:k8s:Context"] = "prod",
        ["Roles:k8s-view:Target"] = "k8s",
        ["Roles:k8s-view:Grant"] = "view",
        ["Roles:k8s-view:Namespace"] = "payments",
        ["Roles:k8s-view:Approvers:0"] = "bob",
        ["Roles:k8s-view:SlackChannel"] = "C1",
    };

    private IReadOnlyList<string> Errors(Dictionary<string, string?> settings)
    {
        var options = new AccessOptions();
        options.Load(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _registered);
        return options.Validate(_registered);
    }

    [Fact]
    public void WebhookAndKubernetesTargets_WithTheirRoles_AreValid() => Assert.Empty(Errors(Settings()));

    [Theory]
    [InlineData("Targets:tool:Url", "http://access.example.com/chatops", "Targets:tool:Url:")]
    [InlineData("Targets:tool:Url", "", "Targets:tool:Url:")]
    [InlineData("Targets:tool:Secret", "short", "Targets:tool:Secret:")]
    [InlineData("Targets:tool:Timeout", "00:30:00", "Targets:tool:Timeout:")]
    [InlineData("Targets:k8s:Kubeconfig", "/nowhere/kubeconfig", "Targets:k8s:Kubeconfig:")]
    [InlineData("Targets:k8s:Context", "staging", "Targets:k8s:Context: \"staging\" is not a context")]
    [InlineData("Roles:k8s-view:Namespace", "Payments_Team", "Roles:k8s-view:Namespace:")]
    [InlineData("Roles:k8s-view:Grant", "view/../admin", "Roles:k8s-view:Grant:")]
    public void BadTargetSettings_AreRefused_NamingTheKey(string key, string value, string expected)
    {
        var settings = Settings();
        settings[key] = value;
        Assert.Contains(Errors(settings), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void ANamespaceOnAPostgresRole_IsNotThePostgresKindsBusiness()
    {
        var settings = Settings();
        settings["Roles:prod-db-read:Namespace"] = "Not A Namespace";
        Assert.Empty(Errors(settings));
    }

    [Fact]
    public void WebhookSignature_IsHexHmacSha256_OfVersionTimestampAndBody()
    {
        // Computed independently (Python's hmac module) for README's example.
        Assert.Equal(
            "v0=75b440ea28751ea30d1a455f800946579185b4b03055f454282c4a74cc022e5e",
            WebhookSignature.Compute("webhook-secret-for-the-readme-example-0123", 1700000000, "{\"action\":\"grant\",\"requestId\":42}"));
    }
}
