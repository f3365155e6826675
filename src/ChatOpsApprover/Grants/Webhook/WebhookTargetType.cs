namespace ChatOpsApprover.Grants.Webhook;

/// <summary>Targets of Type "webhook": anything that is not a database (an identity provider's group, a cloud role, an internal tool), behind a signed HTTP contract.</summary>
public sealed class WebhookTargetType(IHttpClientFactory clients) : GrantTargetType<WebhookTargetOptions, NoRoleSettings>
{
    public const string Key = "webhook";

    /// <summary>Shortest secret accepted: an HMAC key is only as strong as it is long.</summary>
    public const int MinSecretLength = 32;

    public override string Type => Key;

    protected override IEnumerable<string> Validate(string key, WebhookTargetOptions options)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            yield return $"{key}:Url: give the receiver's absolute https URL, e.g. https://access.example.com/chatops (plain http only for loopback).";
        }

        if (string.IsNullOrEmpty(options.Secret) || options.Secret.Length < MinSecretLength)
        {
            yield return $"{key}:Secret: give a secret of at least {MinSecretLength} characters (openssl rand -hex 32), from the environment ({key.Replace(":", "__", StringComparison.Ordinal)}__Secret).";
        }

        if (options.Timeout < TimeSpan.FromMilliseconds(100) || options.Timeout > TimeSpan.FromMinutes(5))
        {
            yield return $"{key}:Timeout: must be between 00:00:00.1 and 00:05:00 (default 00:00:10).";
        }
    }

    protected override IGrantTarget Create(string name, WebhookTargetOptions options, IReadOnlyList<(TargetRole Role, NoRoleSettings Options)> roles) =>
        new WebhookTarget(name, options, clients);
}
