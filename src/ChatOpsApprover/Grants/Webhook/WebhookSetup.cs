namespace ChatOpsApprover.Grants.Webhook;

public static class WebhookSetup
{
    /// <summary>Registers the "webhook" kind of target and its one HTTP client.</summary>
    public static IServiceCollection AddWebhookTargets(this IServiceCollection services) =>
        services.AddWebhookHttpClient().AddGrantTargetType<WebhookTargetType>();
}
