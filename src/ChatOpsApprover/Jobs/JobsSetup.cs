using ChatOpsApprover.Chat;
using ChatOpsApprover.Health;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Server;
using Hangfire.States;

namespace ChatOpsApprover.Jobs;

/// <summary>Settings under "Hangfire".</summary>
public sealed class JobsOptions
{
    /// <summary>Workers for grants and the other jobs of the default queue.</summary>
    public int WorkerCount { get; set; } = 10;

    /// <summary>Workers of the separate server that runs chat jobs (<see cref="ChatJobs"/>).</summary>
    public int ChatWorkerCount { get; set; } = 2;

    /// <summary>How often delayed jobs (retries) are looked for; Hangfire's default of 15 s is too slow for retries of grants.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether this instance runs a Hangfire server (workers). An instance without one only enqueues.</summary>
    public bool RunServer { get; set; } = true;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (WorkerCount is < 1 or > 100)
        {
            errors.Add("Hangfire:WorkerCount: must be between 1 and 100.");
        }

        if (ChatWorkerCount is < 1 or > 20)
        {
            errors.Add("Hangfire:ChatWorkerCount: must be between 1 and 20.");
        }

        if (SchedulePollingInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add("Hangfire:SchedulePollingInterval: must be at least 00:00:00.1.");
        }

        return errors;
    }
}

public static class JobsSetup
{
    /// <summary>
    /// Hangfire with PostgreSQL storage. The storage is registered in DI rather than as Hangfire's static JobStorage.Current,
    /// so that several app instances in one process (tests) each use their own database.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Hangfire").Get<JobsOptions>() ?? new JobsOptions();
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }

        var connectionString = configuration.GetConnectionString("Postgres")!;
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            // No LISTEN/NOTIFY: a NOTIFY in the enqueueing transaction holds PostgreSQL's cluster-wide notify lock until
            // that transaction's commit is on disk, so every enqueue in the system waited for every other one's fsync
            // (and each idle worker held a LISTEN connection of its own). A job enqueued by this instance still wakes
            // this instance's workers at once (Hangfire.PostgreSql signals them in-process after the commit); another
            // instance's workers find it within QueuePollInterval.
            EnableLongPolling = false,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        // Enqueueing (the job client, the outbox relay, recurring jobs) commits durably: a job once enqueued is never lost.
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions));

        // Registered before AddHangfire, which then keeps it: Hangfire's own filters plus the chat jobs' retries and log.
        services.AddSingleton<IJobFilterProvider>(sp => new JobFilterProviderCollection(
            JobFilterProviders.Providers, new ChatJobs(sp.GetRequiredService<ILogger<ChatJobFailureLog>>())));
        // Hangfire's default job activator is a process-wide static too: each host's server gets its own, so jobs are
        // always built from the container of the host whose server runs them.
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) =>
        {
            UseSerialization(config);
            HangfireHostLogging.Instance.Attach(sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IHostApplicationLifetime>());
            config.UseLogProvider(HangfireHostLogging.Instance);
        });
        // Unique per host, even with several in one process (tests), so readiness can find this instance's own server.
        var serverName = $"chatops-{Environment.ProcessId}-{Guid.NewGuid():N}";
        services.AddReadinessCheck(JobServerCheck.Name, sp => new JobServerCheck(sp.GetRequiredService<JobStorage>(), options.RunServer ? serverName : null));
        if (options.RunServer)
        {
            services.AddHangfireServer((_, server) =>
            {
                server.Queues = [EnqueuedState.DefaultQueue];
                server.WorkerCount = options.WorkerCount;
                server.SchedulePollingInterval = options.SchedulePollingInterval;
                server.ServerName = serverName;
            }, ProcessingStorage(connectionString, storageOptions));

            // Chat jobs have their own few workers, added to this server: a chat outage or a burst of notifications never
            // holds a grant job, and the storage's housekeeping still runs once per instance (a second server would run
            // it twice and wait for its lock at every shutdown). The server runs every IBackgroundProcess registered.
            for (var i = 0; i < options.ChatWorkerCount; i++)
            {
                services.AddSingleton<IBackgroundProcess>(ChatWorker);
            }
        }

        services.AddSingleton<ChatMessageStore>();
        services.AddSingleton<ExtensionMessageStore>();
        services.AddSingleton<ChatNotifications>();
        services.AddSingleton(sp => new JobOutbox(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), storageOptions));
        services.AddHostedService<JobOutboxRelay>();
        services.AddTransient<NotificationJobs>();
        services.AddTransient<GrantJobs>();
        return services;
    }

    /// <summary>
    /// The storage the server works through: fetching a job, its Processing, Succeeded or retry state, heartbeats and
    /// locks commit without waiting for the WAL flush (synchronous_commit off). Measured, these were eight of the
    /// eleven WAL flushes each /jit request cost, and every durable commit in the system queued behind them. Losing
    /// them in a crash loses no job: PostgreSQL loses only the newest asynchronous commits, in order, so a job
    /// goes back to a state it had before (enqueued, or fetched and invisible until InvisibilityTimeout) and runs
    /// again — at least once, as every job already is (jobs are idempotent); its own changes to our tables commit
    /// durably through our data source. The enqueue itself stays durable (<see cref="JobStorage"/> above). Its pool skips
    /// the session reset (see below).
    /// </summary>
    private static PostgreSqlStorage ProcessingStorage(string connectionString, PostgreSqlStorageOptions durable)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c synchronous_commit=off" : builder.Options + " -c synchronous_commit=off";
        // Sessions go back to the pool without Npgsql's DISCARD ALL (a statement and a commit each time Hangfire opens a
        // connection, i.e. several times per job): Hangfire.PostgreSql leaves no session state — its locks are rows in
        // hangfire.lock, its statements are schema-qualified — except the LISTEN of long polling, which is off. The
        // schema installer (SET search_path) runs on the durable storage only.
        builder.NoResetOnClose = !durable.EnableLongPolling;
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = durable.SchemaName,
            // The durable storage prepares the schema, after the database is up; this one is built at registration.
            PrepareSchemaIfNecessary = false,
            EnableLongPolling = durable.EnableLongPolling,
            QueuePollInterval = durable.QueuePollInterval,
            UseSlidingInvisibilityTimeout = durable.UseSlidingInvisibilityTimeout,
            InvisibilityTimeout = durable.InvisibilityTimeout,
            DistributedLockTimeout = durable.DistributedLockTimeout,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(builder.ConnectionString, options), options);
    }

    private static Worker ChatWorker(IServiceProvider services)
    {
        var filters = services.GetRequiredService<IJobFilterProvider>();
        return new Worker([ChatJobs.Queue], new BackgroundJobPerformer(filters, services.GetRequiredService<JobActivator>()), new BackgroundJobStateChanger(filters));
    }

    /// <summary>How jobs and their arguments are written; jobs already queued must keep reading back the same.</summary>
    public static void UseSerialization(IGlobalConfiguration config) => config
        .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
        .UseSimpleAssemblyNameTypeSerializer()
        .UseRecommendedSerializerSettings(settings => settings.Converters.Add(new ChatPlatformJsonConverter()));

    /// <summary>Registers the recurring backstop that revokes anything past its end, and the drift check of every target (every 5 minutes).</summary>
    public static void ScheduleRecurringJobs(IServiceProvider services)
    {
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<GrantJobs>(GrantJobs.ReconcileJobId, j => j.ReconcileAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<GrantJobs>(GrantJobs.DriftJobId, j => j.CheckDriftAsync(CancellationToken.None), "*/5 * * * *");
    }
}
