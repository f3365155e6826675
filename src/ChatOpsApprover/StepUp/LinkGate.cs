using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The first check of a posted code form: whether its link can still be used at all, read without a lock or a
/// transaction, so a post to a dead link costs one indexed read and nothing of it is read. The submission itself
/// opens the link again, locked.
/// </summary>
public sealed class LinkGate(NpgsqlDataSource dataSource, LinkOpener opener)
{
    /// <returns>The page that says why the link cannot be used, or null when it can.</returns>
    public async Task<LinkPageView?> ProblemAsync(LinkKind page, string token, CancellationToken cancellationToken)
    {
        if (!LinkToken.IsWellFormed(token))
        {
            return LinkPageViews.Invalid(page);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await opener.OpenAsync(connection, null, page, token, forUpdate: false)).Problem;
    }
}
