using System.Globalization;
using System.Reflection;
using Npgsql;

namespace ChatOpsApprover.Storage;

/// <summary>
/// Creates and upgrades the bot's own schema at start-up. Migrations are the embedded files Storage/Migrations/NNNN_name.sql,
/// named and append-only: never edit one that has shipped; add a new one with the next unused number. An advisory
/// lock keeps two instances starting together from racing.
/// </summary>
/// <remarks>
/// Order: by the leading number, and each number is used once. The only exception is the three 0002 migrations
/// written before this rule, which keep the order they were always applied in (<see cref="LegacySharedNumber"/>).
/// The SQL run is the file's text without its final line break, byte for byte what shipped before the files existed.
/// </remarks>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    private const long MigrationLockKey = 0x4A49_5453_4348_454D; // "JITSCHEM"
    private const string ResourcePrefix = "migrations/";
    private static readonly string[] LegacyOrder = ["0002_teams", "0002_audit", "0002_stepup"];

    /// <summary>The migrations that share number 0002, in the order deployed databases applied them.</summary>
    public static IReadOnlyList<string> LegacySharedNumber => LegacyOrder;

    public static readonly IReadOnlyList<(string Name, string Sql)> Migrations = Load();

    /// <summary>
    /// Puts migration names in the order they are applied, and refuses a name without a leading number or a number
    /// used twice (other than <see cref="LegacySharedNumber"/>), saying which number to take instead.
    /// </summary>
    public static IReadOnlyList<string> Order(IEnumerable<string> names)
    {
        var numbered = names.Select(name => (Number: NumberOf(name), Name: name)).ToList();
        var next = numbered.Count == 0 ? 1 : numbered.Max(m => m.Number) + 1;
        foreach (var shared in numbered.GroupBy(m => m.Number).Where(g => g.Count() > 1))
        {
            var sharing = shared.Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
            if (!sharing.All(LegacySharedNumber.Contains))
            {
                throw new InvalidOperationException(
                    $"Migrations {string.Join(", ", sharing)} share the number {shared.Key:D4}: each migration takes a number of its own. " +
                    $"Give the new one the next unused number, {next:D4}.");
            }
        }

        // Only the legacy trio shares a number (checked above), so the second key orders just those three.
        return numbered
            .OrderBy(m => m.Number)
            .ThenBy(m => Array.IndexOf(LegacyOrder, m.Name))
            .Select(m => m.Name)
            .ToList();
    }

    private static int NumberOf(string name)
    {
        var separator = name.IndexOf('_', StringComparison.Ordinal);
        if (separator != 4 || !int.TryParse(name.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new InvalidOperationException($"Migration \"{name}\" must be named NNNN_what.sql: four digits (the next unused number), an underscore, then what it does.");
        }

        return number;
    }

    private static List<(string Name, string Sql)> Load()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal))
            .ToDictionary(r => r[ResourcePrefix.Length..^".sql".Length], StringComparer.Ordinal);
        return Order(files.Keys).Select(name => (name, Read(assembly, files[name]))).ToList();
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        var text = reader.ReadToEnd();
        return text.EndsWith('\n') ? text[..^1] : text;
    }


    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", connection))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            // Created only when missing: a run-time role that owns nothing (README: production roles) cannot even
            // run CREATE TABLE IF NOT EXISTS, but may read which migrations are applied.
            await using (var create = new NpgsqlCommand(
                "DO $$BEGIN IF to_regclass('public.jit_schema_migrations') IS NULL THEN CREATE TABLE public.jit_schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); END IF; END$$",
                connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var read = new NpgsqlCommand("SELECT name FROM public.jit_schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            foreach (var (name, sql) in Migrations.Where(m => !applied.Contains(m.Name)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO public.jit_schema_migrations (name) VALUES (@name)", connection, transaction))
                {
                    record.Parameters.AddWithValue("name", name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied schema migration {Migration}", name);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLockKey})", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
