using ChatOpsApprover.Grants;
using ChatOpsApprover.Grants.Postgres;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace ChatOpsApprover.Bench;

/// <summary>
/// The baseline: stock Hangfire with default options — one delayed job per grant, due at the end of its window, each
/// running one REVOKE; and one fire-and-forget job per approval, each running one GRANT.
/// </summary>
public static class StockHangfireEngine
{
    public static async Task RunAsync(string connectionString, string grantRole, IReadOnlyDictionary<string, DateTimeOffset> endsAt, Measurements measurements, DateTimeOffset deadline)
    {
        var (storage, target) = Configure(connectionString, grantRole);
        GlobalConfiguration.Configuration.UseActivator(new StockActivator(new StockRevokeJob(target, grantRole, measurements)));
        var client = new BackgroundJobClient(storage);
        foreach (var (login, end) in endsAt)
        {
            client.Schedule<StockRevokeJob>(job => job.RevokeAsync(login), end);
        }

        using var server = new BackgroundJobServer(new BackgroundJobServerOptions(), storage);
        await Approvals.WaitAsync(measurements, endsAt.Count, deadline);
    }

    public static async Task GrantAsync(string connectionString, string grantRole, IReadOnlyDictionary<string, DateTimeOffset> approvedAt, Measurements measurements, DateTimeOffset deadline)
    {
        var (storage, target) = Configure(connectionString, grantRole);
        GlobalConfiguration.Configuration.UseActivator(new StockActivator(new StockGrantJob(target, grantRole, measurements)));
        var client = new BackgroundJobClient(storage);
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions(), storage);
        await Approvals.ReplayAsync(approvedAt, login => client.Enqueue<StockGrantJob>(job => job.GrantAsync(login)));
        await Approvals.WaitAsync(measurements, approvedAt.Count, deadline);
    }

    private static (JobStorage Storage, IGrantTarget Target) Configure(string connectionString, string grantRole)
    {
        var storageOptions = new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions);
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        return (storage, new PostgresRoleTarget(NpgsqlDataSource.Create(connectionString), terminateSessions: false, [grantRole]));
    }

    private sealed class StockActivator(object job) : JobActivator
    {
        public override object ActivateJob(Type jobType) => jobType == job.GetType() ? job : base.ActivateJob(jobType);
    }
}

/// <summary>The baseline's revoke job: one REVOKE, note when it committed.</summary>
public sealed class StockRevokeJob(IGrantTarget target, string grantRole, Measurements measurements)
{
    public async Task RevokeAsync(string login)
    {
        await target.RevokeAsync([Grant(grantRole, login)], CancellationToken.None);
        measurements.Done(login, DateTimeOffset.UtcNow);
    }

    /// <summary>The grant as the target takes it; the baseline has no requests, so no request fields matter.</summary>
    public static TargetGrant Grant(string grantRole, string login) =>
        new(0, "bench", "prod-db-read", grantRole, login, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "bench", [], null);
}

/// <summary>The baseline's grant job: one GRANT, note when it committed.</summary>
public sealed class StockGrantJob(IGrantTarget target, string grantRole, Measurements measurements)
{
    public async Task GrantAsync(string login)
    {
        await target.GrantAsync(StockRevokeJob.Grant(grantRole, login), CancellationToken.None);
        measurements.Done(login, DateTimeOffset.UtcNow);
    }
}

/// <summary>Plays approvals back at their planned moments, and waits for the engine to finish.</summary>
public static class Approvals
{
    public static async Task ReplayAsync(IReadOnlyDictionary<string, DateTimeOffset> approvedAt, Action<string> approve)
    {
        foreach (var (login, at) in approvedAt.OrderBy(a => a.Value))
        {
            var wait = at - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            approve(login);
        }
    }

    public static async Task WaitAsync(Measurements measurements, int count, DateTimeOffset deadline)
    {
        while (measurements.Count < count && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }
}
