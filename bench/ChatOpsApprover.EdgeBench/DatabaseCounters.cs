using System.Globalization;
using Npgsql;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// What the database did for a run, read before and after it: transactions committed in the bot's database
/// (pg_stat_database), WAL flushes to disk of the whole cluster (pg_stat_wal: each is one fsync a committing session
/// may wait for) and, when pg_stat_statements is loaded, statements executed by text. Divided by the requests, these
/// are the commits, flushes and statements one request costs, background work included. The benchmark's own polling
/// (<see cref="BackgroundWork"/>) is subtracted; its session sampler reads from another database.
/// </summary>
public sealed class DatabaseCounters(NpgsqlDataSource dataSource, BackgroundWork background)
{
    private bool? _statements;

    public async Task<DatabaseSnapshot> ReadAsync()
    {
        _statements ??= await HasStatementsAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        long commits, flushes;
        await using (var command = new NpgsqlCommand(
            "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), (SELECT wal_sync FROM pg_stat_wal)", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            commits = reader.GetInt64(0);
            flushes = reader.GetInt64(1);
        }

        var statements = new Dictionary<string, long>(StringComparer.Ordinal);
        if (_statements == true)
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT query, sum(calls)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                WHERE d.datname = current_database() GROUP BY query
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                statements[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        // This snapshot's own transaction and the polls of the background check are the benchmark's, not the bot's.
        return new DatabaseSnapshot(commits - background.Polls, flushes, statements);
    }

    private async Task<bool> HasStatementsAsync()
    {
        try
        {
            await using var command = dataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT count(*) FROM pg_stat_statements");
            await command.ExecuteScalarAsync();
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }
}

/// <summary>Counters of the database at one moment; see <see cref="DatabaseCounters"/>.</summary>
public sealed record DatabaseSnapshot(long Commits, long WalFlushes, IReadOnlyDictionary<string, long> Statements)
{
    /// <summary>The cost of <paramref name="requests"/> requests from <paramref name="before"/> to this snapshot.</summary>
    public DatabaseCost Since(DatabaseSnapshot before, long requests)
    {
        double PerRequest(long count) => (double)count / Math.Max(1, requests);
        var statements = Statements
            .Select(s => (Query: s.Key, Calls: s.Value - before.Statements.GetValueOrDefault(s.Key)))
            .Where(s => s.Calls > 0 && !s.Query.Contains("pg_stat_", StringComparison.Ordinal) && !BackgroundWork.IsOwnQuery(s.Query))
            .OrderByDescending(s => s.Calls)
            .Select(s => (s.Query, PerRequest(s.Calls)))
            .ToList();
        // The snapshot before the run committed once more than the one after it counted.
        return new DatabaseCost(PerRequest(Commits - before.Commits - 1), PerRequest(WalFlushes - before.WalFlushes), statements);
    }
}

/// <summary>Per request: commits, WAL flushes and statements (by text, most frequent first; empty without pg_stat_statements).</summary>
public sealed record DatabaseCost(double Commits, double WalFlushes, IReadOnlyList<(string Query, double PerRequest)> Statements)
{
    public double StatementTotal => Statements.Sum(s => s.PerRequest);

    public string Describe(int top) => string.Join(Environment.NewLine, Statements.Take(top).Select(s =>
        string.Create(CultureInfo.InvariantCulture, $"    {s.PerRequest,6:F2}  {OneLine(s.Query)}")));

    private static string OneLine(string query)
    {
        var line = string.Join(' ', query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length > 150 ? line[..150] + "…" : line;
    }
}
