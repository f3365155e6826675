using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>
/// The bot's database through a pool of its own that resets every session it takes back (Npgsql's DISCARD ALL), for
/// the few connections that leave state in their session: a LISTEN (the audit publisher's wake-up) and session advisory
/// locks (the audit publisher's per-platform lock, the schema migrator's). The main <see cref="NpgsqlDataSource"/>
/// skips that reset (No Reset On Close): its sessions keep nothing beyond a transaction — SET LOCAL, transaction-scoped
/// advisory locks, no temporary tables — so the reset was one more statement and commit on every reuse, the most
/// frequent statement of all. Something that does leave session state belongs here.
/// </summary>
public sealed class SessionStateDataSource(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource => dataSource;
}
