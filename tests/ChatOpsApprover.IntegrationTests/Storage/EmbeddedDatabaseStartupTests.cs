using ChatOpsApprover.IntegrationTests.Infrastructure;
using ChatOpsApprover.Storage;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Storage;

/// <summary>
/// The embedded database asks every connection for a generated password kept beside its data, readable only by the
/// server's user; a data folder made with trust authentication before is upgraded in place, its data kept.
/// </summary>
public sealed class EmbeddedDatabaseStartupTests
{
    [Fact]
    public async Task NewCluster_AsksForTheGeneratedPassword()
    {
        var folder = await TestFolders.NewAsync("embedded");
        var cluster = await LocalPostgresCluster.StartAsync(folder, 0, stopOnDispose: true, passwordAuthentication: true);
        try
        {
            var passwordFile = Path.Combine(folder, LocalPostgresCluster.PasswordFileName);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
            }

            Assert.Equal(64, (await File.ReadAllTextAsync(passwordFile)).Trim().Length);
            Assert.DoesNotContain(" trust", await File.ReadAllTextAsync(Path.Combine(folder, "data", "pg_hba.conf")), StringComparison.Ordinal);

            await AssertPasswordRequiredAsync(cluster);
        }
        finally
        {
            await cluster.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ClusterMadeWithTrust_IsUpgradedInPlace_AndKeepsItsData()
    {
        var folder = await TestFolders.NewAsync("embedded");
        var trusting = await LocalPostgresCluster.StartAsync(folder, 0, stopOnDispose: false);
        try
        {
            await trusting.EnsureDatabaseAsync("kept");

            var upgraded = await LocalPostgresCluster.StartAsync(folder, 0, stopOnDispose: false, passwordAuthentication: true);
            Assert.Equal(trusting.Port, upgraded.Port);
            await Wait.UntilAsync(async () => await RefusedWithoutPasswordAsync(upgraded) ? (object?)true : null, "the reloaded pg_hba.conf to ask for the password");
            await AssertPasswordRequiredAsync(upgraded);
            await using var connection = new NpgsqlConnection(upgraded.ConnectionString("kept"));
            await connection.OpenAsync();
        }
        finally
        {
            await trusting.StopAsync("immediate");
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task AssertPasswordRequiredAsync(LocalPostgresCluster cluster)
    {
        Assert.True(await RefusedWithoutPasswordAsync(cluster), "a connection without the password is refused");
        var wrong = new NpgsqlConnectionStringBuilder(cluster.ConnectionString("postgres")) { Password = "wrong", Pooling = false }.ConnectionString;
        await using (var withWrong = new NpgsqlConnection(wrong))
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => withWrong.OpenAsync());
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        }

        await using var right = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.ConnectionString("postgres")) { Pooling = false }.ConnectionString);
        await right.OpenAsync();
    }

    private static async Task<bool> RefusedWithoutPasswordAsync(LocalPostgresCluster cluster)
    {
        var without = new NpgsqlConnectionStringBuilder(cluster.ConnectionString("postgres")) { Password = null, Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(without);
        try
        {
            await connection.OpenAsync();
            return false;
        }
        catch (NpgsqlException)
        {
            return true;
        }
    }
}
