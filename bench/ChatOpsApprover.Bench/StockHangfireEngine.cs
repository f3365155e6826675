using ChatOpsApprover.Grants;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace ChatOpsApprover.Bench;

/// <summary>
/// The baseline: stock Hangfire scheduling with default options — one delayed job per grant, due at the end of its
/// window, each running one REVOKE.
/// </summary>
public static class StockHangfireEngine
{
    public static async Task RunAsync(string connectionString, string grantRole, IReadOnlyDictionary<string, DateTimeOffset> endsAt, Measurements measurements, DateTimeOffset deadline)
    {
        var storageOptions = new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions);
        var target = new PostgresRoleTarget(NpgsqlDataSource.Create(connectionString));
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseActivator(new StockActivator(new StockRevokeJob(target, grantRole, measurements)));

        var client = new BackgroundJobClient(storage);
        foreach (var (login, end) in endsAt)
        {
            client.Schedule<StockRevokeJob>(job => job.RevokeAsync(login), end);
        }

        using var server = new BackgroundJobServer(new BackgroundJobServerOptions(), storage);
        while (measurements.Count < endsAt.Count && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    private sealed class StockActivator(StockRevokeJob job) : JobActivator
    {
        public override object ActivateJob(Type jobType) => jobType == typeof(StockRevokeJob) ? job : base.ActivateJob(jobType);
    }
}

/// <summary>The baseline's job: revoke one membership, note when it committed.</summary>
public sealed class StockRevokeJob(IGrantTarget target, string grantRole, Measurements measurements)
{
    public async Task RevokeAsync(string login)
    {
        await target.RevokeAsync([new Membership(grantRole, login)], CancellationToken.None);
        measurements.Revoked(login, DateTimeOffset.UtcNow);
    }
}
