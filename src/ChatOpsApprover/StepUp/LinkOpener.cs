using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Opens a link on its page: finds it by its token's hash and refuses, with the page that says why, a token that is
/// malformed or unknown, a link of the other kind, and a link that was used, locked, replaced or has expired.
/// Opening changes nothing.
/// </summary>
public sealed class LinkOpener(LinkStore links, IOptions<StepUpOptions> options, TimeProvider time)
{
    /// <returns>The link, or (when it cannot be used) the page that says why.</returns>
    public async Task<(StoredLink? Link, LinkPageView? Problem)> OpenAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, LinkKind page, string token, bool forUpdate)
    {
        var link = LinkToken.IsWellFormed(token) ? await links.FindAsync(connection, transaction, LinkToken.Hash(token), forUpdate) : null;
        if (link is null)
        {
            return (null, LinkPageViews.Invalid(page));
        }

        if (link.Kind != page)
        {
            return (null, LinkPageViews.WrongPage(link, page));
        }

        if (link.UsedAt is { } usedAt)
        {
            return (null, LinkPageViews.Used(link, usedAt));
        }

        if (link.LockedAt is not null)
        {
            return (null, LinkPageViews.Locked(link, options.Value.MaxAttempts));
        }

        if (link.SupersededAt is not null)
        {
            return (null, LinkPageViews.Replaced(link));
        }

        return time.GetUtcNow() >= link.ExpiresAt ? (null, LinkPageViews.Expired(link)) : (link, null);
    }
}
