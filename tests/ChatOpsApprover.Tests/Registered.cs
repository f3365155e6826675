using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Configuration;
using ChatOpsApprover.Grants.Postgres;
using ChatOpsApprover.Storage;
using Microsoft.Extensions.Configuration;

namespace ChatOpsApprover.Tests;

/// <summary>The platforms and target types the app registers (without an embedded PostgreSQL), and access settings read with them.</summary>
internal static class Registered
{
    public static Registrations Defaults { get; } = new([new SlackChat(), new TeamsChat()], [new PostgresTargetType()]);

    /// <summary>As the bot runs with no ConnectionStrings:Postgres: postgres targets without a connection string are its own server.</summary>
    public static Registrations WithEmbeddedPostgres { get; } =
        new([new SlackChat(), new TeamsChat()], [new PostgresTargetType(new EmbeddedPostgres("Host=127.0.0.1;Username=postgres"))]);

    /// <summary>The example: alice may request prod-db-read, bob approves it on Slack.</summary>
    public static Dictionary<string, string?> ExampleSettings() => new()
    {
        ["People:alice:Slack"] = "U0ALICE",
        ["People:alice:Logins:prod-db"] = "alice",
        ["People:bob:Slack"] = "U0BOB",
        ["Targets:prod-db:Type"] = "postgres",
        ["Targets:prod-db:ConnectionString"] = "Host=x",
        ["Roles:prod-db-read:Target"] = "prod-db",
        ["Roles:prod-db-read:Grant"] = "prod_read",
        ["Roles:prod-db-read:MaxDuration"] = "04:00:00",
        ["Roles:prod-db-read:Approvers:0"] = "bob",
        ["Roles:prod-db-read:SlackChannel"] = "C1",
    };

    public static AccessOptions Access(IConfiguration configuration)
    {
        var options = new AccessOptions();
        options.Load(configuration, Defaults);
        return options;
    }

    public static AccessOptions Access(IEnumerable<KeyValuePair<string, string?>> settings) =>
        Access(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
