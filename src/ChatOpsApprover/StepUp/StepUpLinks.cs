using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>Mints single-use links: a fresh token, its hash stored with the binding, the URL built from StepUp:PublicBaseUrl.</summary>
public sealed class StepUpLinks(StepUpStore store, IOptions<StepUpOptions> options, IServer server, TimeProvider time, ILogger<StepUpLinks> logger)
{
    private int _warned;

    public StepUpOptions Options => options.Value;

    /// <summary>
    /// Stores a new link (retiring older ones with the same binding) inside the caller's transaction and returns its URL.
    /// The token lives only in the returned URL: callers hand it straight to the person, never to a job or a log.
    /// </summary>
    public async Task<(Uri Url, DateTimeOffset ExpiresAt)> IssueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LinkPurpose purpose, string personId, long? requestId)
    {
        var now = time.GetUtcNow();
        var expiresAt = now + (purpose == LinkPurpose.Enroll ? options.Value.EnrollmentLinkLifetime : options.Value.LinkLifetime);
        var token = LinkToken.New();
        await store.InsertLinkAsync(connection, transaction, LinkToken.Hash(token), purpose, personId, requestId, now, expiresAt);
        return (Url(purpose, token), expiresAt);
    }

    public Uri Url(LinkPurpose purpose, string token) =>
        new(BaseUrl(), (purpose == LinkPurpose.Enroll ? "enroll/" : "stepup/") + token);

    private Uri BaseUrl()
    {
        if (options.Value.BaseUri is { } configured)
        {
            return configured;
        }

        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            logger.LogWarning("StepUp:PublicBaseUrl is not set; links point at {Address}, which people outside this machine may not reach", listening);
        }

        return new Uri(listening.TrimEnd('/') + "/");
    }
}

/// <summary>Seals TOTP secrets with Data Protection, bound to the person, so a row copied to another person does not decrypt.</summary>
public sealed class FactorSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("ChatOpsApprover.Mfa.TotpSecret.v1");

    public string Protect(string personId, byte[] secret) =>
        Convert.ToBase64String(_protector.CreateProtector(personId).Protect(secret));

    public byte[] Unprotect(string personId, string protectedSecret) =>
        _protector.CreateProtector(personId).Unprotect(Convert.FromBase64String(protectedSecret));
}
