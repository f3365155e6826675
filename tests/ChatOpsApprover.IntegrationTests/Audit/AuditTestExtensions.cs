using ChatOpsApprover.Audit;
using ChatOpsApprover.Domain;
using ChatOpsApprover.IntegrationTests.Infrastructure;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Audit;

public static class AuditTestExtensions
{
    public const string ExportToken = "test-export-token-0123456789abcdef0123456789";
    public const string AuditChannel = "C0AUDIT";

    /// <summary>Runs SQL as the superuser the tests own (not as the bot).</summary>
    public static async Task ExecuteAsync(this BotHost bot, string sql)
    {
        await using var connection = new NpgsqlConnection(bot.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Text values from the database; a query of jit.audit_log first waits until the entries are sealed.</summary>
    public static async Task<List<string>> ScalarTextsAsync(this BotHost bot, string sql)
    {
        if (sql.Contains("jit.audit_log", StringComparison.Ordinal))
        {
            await bot.AuditSealedAsync();
        }

        await using var connection = new NpgsqlConnection(bot.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<string>();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    public static async Task<string?> ScalarTextOrNullAsync(this BotHost bot, string sql) => (await bot.ScalarTextsAsync(sql)).FirstOrDefault();

    public static async Task<string> ScalarTextAsync(this BotHost bot, string sql) =>
        await bot.ScalarTextOrNullAsync(sql) ?? throw new InvalidOperationException($"No row: {sql}");

    /// <summary>Changes the log the way an attacker with superuser rights could: with its triggers switched off for the session.</summary>
    public static Task TamperAsync(this BotHost bot, string sql) =>
        bot.ExecuteAsync($"SET session_replication_role = replica; {sql}; RESET session_replication_role;");

    /// <summary>Verifies the chain once every committed entry is sealed into it.</summary>
    public static async Task<AuditVerification> VerifyAuditAsync(this BotHost bot)
    {
        await bot.AuditSealedAsync();
        return await bot.Service<AuditVerifier>().VerifyAsync(CancellationToken.None);
    }

    /// <summary>alice asks, bob approves, the grant is made.</summary>
    public static async Task<long> ActiveRequestAsync(this BotHost bot, string text = "request prod-db-read 2h fix INC-1234")
    {
        var id = await bot.RequestAccessAsync(text: text);
        await bot.ClickApproveAsync("U0BOB", id);
        await bot.WaitForStatusAsync(id, RequestStatus.Active);
        return id;
    }

    /// <summary>Runs a command-line command in-process; returns its exit code and what it printed.</summary>
    public static async Task<(int? ExitCode, string Output, string Error)> RunCommandLineAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLine.TryRunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
