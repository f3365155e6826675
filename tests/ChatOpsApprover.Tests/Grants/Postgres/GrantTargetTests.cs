using ChatOpsApprover.Grants.Postgres;
using Npgsql;

namespace ChatOpsApprover.Tests.Grants.Postgres;

public sealed class GrantTargetTests
{
    [Fact]
    public void TargetConnections_GiveUpWithinSeconds_UnlessConfiguredOtherwise()
    {
        using var quick = PostgresTargetType.DataSource("t", "Host=127.0.0.1;Username=jit_admin");
        var defaults = new NpgsqlConnectionStringBuilder(quick.ConnectionString);
        Assert.Equal(5, defaults.Timeout);
        Assert.Equal(15, defaults.CommandTimeout);

        using var configured = PostgresTargetType.DataSource("t", "Host=127.0.0.1;Username=jit_admin;Timeout=30;Command Timeout=60");
        var given = new NpgsqlConnectionStringBuilder(configured.ConnectionString);
        Assert.Equal(30, given.Timeout);
        Assert.Equal(60, given.CommandTimeout);
    }
}
