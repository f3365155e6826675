using System.Globalization;
using Npgsql;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// Samples what the bot's database sessions are doing every 20 ms while a run lasts (pg_stat_activity: active, or the
/// lock, I/O or client wait they are in), so the report says where the database time went.
/// </summary>
public sealed class WaitSampler(NpgsqlDataSource dataSource, string database)
{
    public async Task<string> SampleWhileAsync(Task running)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var samples = 0;
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS what, count(*)
            FROM pg_stat_activity
            WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()
            GROUP BY 1
            """, connection);
        command.Parameters.AddWithValue(database);
        while (!running.IsCompleted)
        {
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    counts[reader.GetString(0)] = counts.GetValueOrDefault(reader.GetString(0)) + reader.GetInt64(1);
                }
            }

            samples++;
            await Task.WhenAny(running, Task.Delay(20));
        }

        // Average active sessions per state, busiest first (LISTEN-waiting sessions are idle, not active, and not counted).
        return string.Join(", ", counts.OrderByDescending(c => c.Value).Take(6)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {(double)c.Value / Math.Max(1, samples):F2}")));
    }
}
