using System.CommandLine;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>"ChatOpsApprover audit verify": walks the chain and prints the first broken link; exit code 0 intact, 1 broken, 2 unusable.</summary>
public static class AuditCommandLine
{
    /// <param name="settings">Configuration from the command line ("--Key=value"), as the web host would read it.</param>
    public static Command Create(IReadOnlyList<string> settings)
    {
        var verify = new Command("verify", "Check the audit log's hash chain: exit code 0 when intact, 1 when broken, 2 when it cannot be checked");
        verify.SetAction((result, _) => VerifyAsync(settings, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return new Command("audit", "The audit log") { verify };
    }

    private static async Task<int> VerifyAsync(IReadOnlyList<string> settings, TextWriter output, TextWriter error)
    {
        var connectionString = await CommandLine.ConnectionStringAsync(settings, error);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var audit = new AuditLog(dataSource);
        if (!await audit.HasChainAsync())
        {
            await error.WriteLineAsync("This database has no audit chain yet: start the bot (or run migrate) once to create the schema.");
            return CommandLine.UsageError;
        }

        var result = await new AuditVerifier(audit).VerifyAsync(CancellationToken.None);
        await (result.Intact ? output : error).WriteLineAsync(result.Describe());
        return result.Intact ? 0 : 1;
    }
}
