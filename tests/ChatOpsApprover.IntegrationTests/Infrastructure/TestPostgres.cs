using ChatOpsApprover.Storage;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>
/// One PostgreSQL cluster per test run (started from the machine's binaries, or the server named by
/// CHATOPS_TEST_POSTGRES), and a fresh database per test copied from a migrated template.
/// </summary>
public static class TestPostgres
{
    private const string TemplateName = "chatops_template";

    // A test cluster lives as long as one run and no machine crash needs surviving: no flush to disk, and a small WAL
    // (hundreds of databases are copied from the template, each copy written to the WAL).
    private const string ThrowawayServerOptions = "-c fsync=off -c full_page_writes=off -c max_wal_size=256MB -c min_wal_size=64MB";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _adminConnectionString;
    private static LocalPostgresCluster? _cluster;
    private static int _counter;

    /// <summary>The cluster this test run started; tests that stop and start the server need it (not an external server).</summary>
    public static async Task<LocalPostgresCluster> RequireClusterAsync()
    {
        await AdminConnectionStringAsync();
        return _cluster ?? throw new InvalidOperationException("This test stops and starts PostgreSQL, so it needs the cluster the tests start themselves: unset CHATOPS_TEST_POSTGRES.");
    }

    public static async Task<string> AdminConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_adminConnectionString is not null)
            {
                return _adminConnectionString;
            }

            if (Environment.GetEnvironmentVariable("CHATOPS_TEST_POSTGRES") is { Length: > 0 } existing)
            {
                _adminConnectionString = new NpgsqlConnectionStringBuilder(existing) { Pooling = false }.ConnectionString;
            }
            else
            {
                // Unique per run, not only per process id: a later run may get the same process id.
                var folder = await TestFolders.NewAsync("shared");
                _cluster = await LocalPostgresCluster.StartAsync(folder, 0, stopOnDispose: true, extraServerOptions: ThrowawayServerOptions);
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    // A test run leaves nothing behind: no server, no data folder.
                    _cluster.StopAsync("immediate").GetAwaiter().GetResult();
                    Directory.Delete(folder, recursive: true);
                };
                _adminConnectionString = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString("postgres")) { Pooling = false }.ConnectionString;
            }

            await CreateTemplateAsync(_adminConnectionString);
            return _adminConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A new, migrated database of its own on the shared cluster; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync() => await CreateDatabaseAsync(await AdminConnectionStringAsync());

    /// <summary>
    /// A cluster of the test's own, for tests that stop and start the server: test classes run in parallel, so they
    /// must never restart the cluster other tests are using. Stopped and removed when disposed.
    /// </summary>
    public static async Task<PrivateCluster> StartPrivateClusterAsync()
    {
        var folder = await TestFolders.NewAsync("private");
        var cluster = await LocalPostgresCluster.StartAsync(folder, 0, stopOnDispose: true, extraServerOptions: ThrowawayServerOptions);
        var admin = new NpgsqlConnectionStringBuilder(cluster.ConnectionString("postgres")) { Pooling = false }.ConnectionString;
        await CreateTemplateAsync(admin);
        return new PrivateCluster(cluster, folder, admin);
    }

    private static async Task<string> CreateDatabaseAsync(string admin)
    {
        var name = $"chatops_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(name)} TEMPLATE {TemplateName}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>A cluster started for one test, with the migrated template in it.</summary>
    public sealed class PrivateCluster(LocalPostgresCluster cluster, string folder, string admin) : IAsyncDisposable
    {
        public LocalPostgresCluster Cluster { get; } = cluster;

        public Task<string> CreateDatabaseAsync() => TestPostgres.CreateDatabaseAsync(admin);

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await Cluster.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task CreateTemplateAsync(string admin)
    {
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {TemplateName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {TemplateName}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var templateConnection = new NpgsqlConnectionStringBuilder(admin) { Database = TemplateName, Pooling = false }.ConnectionString;
        await using (var dataSource = NpgsqlDataSource.Create(templateConnection))
        {
            await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        }

        // Hangfire installs its schema when its storage is created.
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true };
        _ = new PostgreSqlStorage(new NpgsqlConnectionFactory(templateConnection, options), options);
        NpgsqlConnection.ClearAllPools();
    }
}
