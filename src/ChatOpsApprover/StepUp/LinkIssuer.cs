using ChatOpsApprover.Domain;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Mints single-use links: a fresh token, its hash stored with what it is for, the URL built from StepUp:PublicBaseUrl.
/// The token lives only in the returned URL: callers hand it straight to the person, never to a job or a log.
/// </summary>
public sealed class LinkIssuer(LinkStore store, IOptions<StepUpOptions> options, IServer server, TimeProvider time, ILogger<LinkIssuer> logger)
{
    private int _warned;

    /// <summary>A link to set up <paramref name="personId"/>'s second factor, replacing their earlier enrollment link.</summary>
    public Task<Uri> IssueEnrollmentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId) =>
        IssueAsync(connection, transaction, personId, null, null);

    /// <summary>A link for one step-up on one request, replacing the earlier link for the same step-up.</summary>
    public Task<Uri> IssueStepUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, long requestId, StepUpPurpose purpose) =>
        IssueAsync(connection, transaction, personId, purpose, requestId);

    /// <summary>A link for one step-up on one extension of a request, replacing the earlier link for the same step-up.</summary>
    public Task<Uri> IssueExtensionStepUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, long requestId, long extensionId, StepUpPurpose purpose) =>
        IssueAsync(connection, transaction, personId, purpose, requestId, extensionId);

    /// <summary>How long a link of this kind works, as a message says it ("15 minutes").</summary>
    public string LifetimeText(LinkKind kind)
    {
        var span = Lifetime(kind);
        return span.TotalMinutes switch
        {
            < 1 => $"{(int)span.TotalSeconds} seconds",
            1 => "1 minute",
            var m when m == Math.Floor(m) => $"{(int)m} minutes",
            _ => $"{span.TotalMinutes:0.#} minutes",
        };
    }

    private TimeSpan Lifetime(LinkKind kind) => kind switch
    {
        LinkKind.Enrollment => options.Value.EnrollmentLinkLifetime,
        LinkKind.StepUp => options.Value.LinkLifetime,
    };

    private async Task<Uri> IssueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, StepUpPurpose? purpose, long? requestId, long? extensionId = null)
    {
        var kind = purpose is null ? LinkKind.Enrollment : LinkKind.StepUp;
        var now = time.GetUtcNow();
        var token = LinkToken.New();
        await store.InsertAsync(connection, transaction, LinkToken.Hash(token), personId, purpose, requestId, now, now + Lifetime(kind), extensionId);
        var page = kind switch
        {
            LinkKind.Enrollment => "enroll/",
            LinkKind.StepUp => "stepup/",
        };
        return new Uri(BaseUrl(), page + token);
    }

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
