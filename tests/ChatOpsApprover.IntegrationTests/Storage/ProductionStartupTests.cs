using ChatOpsApprover.IntegrationTests.Infrastructure;

namespace ChatOpsApprover.IntegrationTests.Storage;

/// <summary>
/// The real program, started as an operator would in the Production environment: a missing connection string or
/// key-encryption key stops it, naming the key, before anything starts (no embedded database, no key ring).
/// </summary>
public sealed class ProductionStartupTests
{
    [Fact]
    public async Task Production_WithoutAConnectionString_StopsNamingTheKey_AndStartsNoEmbeddedDatabase()
    {
        var embedded = await TestFolders.NewAsync("production");
        var (exitCode, output, error) = await ProgramRun.RunAsync(Production(new()
        {
            ["ConnectionStrings__Postgres"] = "",
            ["DataProtection__KeyEncryptionKey"] = BotHost.KeyEncryptionKey,
            ["EmbeddedPostgres__DataDirectory"] = embedded,
        }));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ConnectionStrings:Postgres: is required in the Production environment", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("DataProtection:KeyEncryptionKey", output + error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(embedded), "no embedded database was created");
    }

    [Fact]
    public async Task Production_WithoutAKeyEncryptionKey_StopsNamingTheKey_AndTouchesNoDatabase()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var (exitCode, output, error) = await ProgramRun.RunAsync(Production(new()
        {
            ["ConnectionStrings__Postgres"] = database,
            ["DataProtection__KeyEncryptionKey"] = "",
        }));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("DataProtection:KeyEncryptionKey: is required in the Production environment", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("ConnectionStrings:Postgres:", output + error, StringComparison.Ordinal);
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(database);
        await using var keys = dataSource.CreateCommand("SELECT count(*) FROM jit.data_protection_keys");
        Assert.Equal(0L, await keys.ExecuteScalarAsync());
    }

    private static Dictionary<string, string> Production(Dictionary<string, string> settings)
    {
        settings["DOTNET_ENVIRONMENT"] = "Production";
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["Urls"] = "http://127.0.0.1:0";
        return settings;
    }
}
