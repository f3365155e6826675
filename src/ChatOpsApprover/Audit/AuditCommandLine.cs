using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>"ChatOpsApprover audit verify": walks the chain and prints the first broken link; exit code 0 intact, 1 broken, 2 unusable.</summary>
public static class AuditCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] != "verify")
        {
            await error.WriteLineAsync($"Unknown audit command.\n{CommandLine.Usage}");
            return 2;
        }

        var connectionString = await CommandLine.ConnectionStringAsync(args[1..], error);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var audit = new AuditLog(dataSource);
        if (!await audit.HasChainAsync())
        {
            await error.WriteLineAsync("This database has no audit chain yet: start the bot (or run migrate) once to create the schema.");
            return 2;
        }

        var result = await new AuditVerifier(audit).VerifyAsync(CancellationToken.None);
        await (result.Intact ? output : error).WriteLineAsync(result.Describe());
        return result.Intact ? 0 : 1;
    }
}
