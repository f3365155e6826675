using System.Security.Cryptography;
using System.Text;
using ChatOpsApprover.Storage;

namespace ChatOpsApprover.Tests.Storage;

public sealed class SchemaMigratorTests
{
    /// <summary>What deployed databases have applied, in the order they applied it. New migrations go at the end.</summary>
    private static readonly string[] Shipped = ["0001_core", "0002_teams", "0002_audit", "0002_stepup", "0003_approval_lapse", "0004_factor_lockout", "0005_audit_outbox", "0006_grant_targets", "0010_slack_replays", "0011_enrollment_secret_shown", "0012_decision_reason_and_duration", "0013_pending_deadlines", "0014_enrollment_approval", "0015_access_extensions", "0016_break_glass", "0017_request_policy", "0018_passkeys", "0020_extension_step_up", "0021_slack_home_tabs", "0022_job_outbox"];

    [Fact]
    public void Migrations_KeepTheirNamesAndOrder_NewOnesComeLast()
    {
        var names = SchemaMigrator.Migrations.Select(m => m.Name).ToList();
        Assert.Equal(Shipped, names.Take(Shipped.Length));
        Assert.All(names.Skip(Shipped.Length), name => Assert.True(
            string.CompareOrdinal(name, "0006") >= 0,
            $"{name} sorts before migrations that have shipped: give it the next unused number."));
    }

    [Fact]
    public void ShippedMigrations_AreByteForByteWhatDeployedDatabasesRan()
    {
        // A shipped migration never changes: databases that ran it would silently differ from new ones.
        var expected = new Dictionary<string, string>
        {
            ["0001_core"] = "ebfc233856c89d141d2b13b720945edc5946b67c96cc8357a852fecfb318777d",
            ["0002_teams"] = "890a6a653549a6fbcad2f66e86cca414f94a12a64ad6ae7e209355453e2b485b",
            ["0002_audit"] = "f35e97aa532d22703e4b40c819e0a909d8faeeb2b1a50b91602119f77876dffc",
            ["0002_stepup"] = "9798d5ec6fc4fbedd7d58c0fa0afeea74a3f2c505acb9a48977a35236bd1e24c",
            ["0003_approval_lapse"] = "e38c6141e710813df783ae9e4a1a98ca8c9bfa53d2e2182c82d8f121aa2ee264",
            ["0004_factor_lockout"] = "6d7494d25cd5a466d261c3f46682f9a3f1545875875b41c489db229ae48e1377",
            ["0005_audit_outbox"] = "779f325bfc7ca68f519731d78608509e474a4a10ecc38f26cc74a7d9485ceb58",
            ["0006_grant_targets"] = "171af727b0d3402fe0c0abe4d56d9c32f4522ec5a8eb9108d092e65df5b484e1",
            ["0010_slack_replays"] = "fbe84f7c425b071834437ce9c8ab5a5ae658fd079df945244630e77ac05d01f5",
            ["0011_enrollment_secret_shown"] = "5647ccb52e6d258a398edaefa7064dc8bac6a303aab53cd66c2feddd5753849d",
            ["0012_decision_reason_and_duration"] = "b9f8643f85f4c49b9ddb021bc764033311dad6933608b02ab64ccc72a6de0868",
            ["0013_pending_deadlines"] = "f4c774c0355a48136fde048ecc1ce9b6e5aec99d38166bd23482b56c706dee57",
            ["0014_enrollment_approval"] = "6e935dde46e8d00831b779599c1d3de81692a8443ff524b37f79eb2a0e45a217",
            ["0015_access_extensions"] = "82a6882e746af4b4aa9dada253a7bed0a904f1e5af9e9c89a3b527fe40b121a7",
            ["0016_break_glass"] = "b51923f9c9fbb2751639b9b0728072cd446467ddedad8849c49a1546c7f8a318",
            ["0017_request_policy"] = "c9214c21670be398cbf86bb4cd0b045aed94a21d3612ba38b526bb3a821b4b65",
            ["0018_passkeys"] = "da4d73aca0841cb221988d59baa337a476aa38d7bec6d259da86b05a2e9732c9",
            ["0020_extension_step_up"] = "c202364653f10e1df2e3b4dd26b9910e1580ee7be6042fa8a06e98e74355199d",
            ["0021_slack_home_tabs"] = "9c28bb9bc4a4136843c96036f7f66dd139eb65a5620af56c0307c2b540b051a0",
            ["0022_job_outbox"] = "fe80fdfcac62be494f9b688d4afd93ef968942931db6dc6f88f6dd07a3e45405",
        };
        foreach (var (name, sql) in SchemaMigrator.Migrations.Where(m => expected.ContainsKey(m.Name)))
        {
            Assert.Equal(expected[name], Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql))));
        }
    }

    [Fact]
    public void EveryMigration_HasANumberOfItsOwn_ExceptTheLegacy0002s()
    {
        var shared = SchemaMigrator.Migrations
            .GroupBy(m => m.Name[..4], StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .SelectMany(g => g.Select(m => m.Name))
            .Where(name => !SchemaMigrator.LegacySharedNumber.Contains(name))
            .ToList();
        Assert.True(shared.Count == 0, $"These migrations reuse a number: {string.Join(", ", shared)}. Give each new one the next unused number.");
    }

    [Fact]
    public void Order_AppliesByNumber_TheLegacy0002sInTheirHistoricalOrder()
    {
        Assert.Equal(
            ["0001_core", "0002_teams", "0002_audit", "0002_stepup", "0003_approval_lapse", "0010_later"],
            SchemaMigrator.Order(["0010_later", "0002_stepup", "0003_approval_lapse", "0002_audit", "0001_core", "0002_teams"]));
    }

    [Theory]
    [InlineData("0005_first", "0005_second", "0006")]
    [InlineData("0002_teams", "0002_new", "0003")]
    public void Order_RefusesANumberUsedTwice_AndNamesTheNextFreeOne(string first, string second, string next)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SchemaMigrator.Order(["0001_core", first, second]));
        Assert.Contains($"next unused number, {next}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("core")]
    [InlineData("5_core")]
    [InlineData("00a5_core")]
    public void Order_RefusesANameWithoutAFourDigitNumber(string name)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SchemaMigrator.Order(["0001_core", name]));
        Assert.Contains("NNNN_what.sql", error.Message, StringComparison.Ordinal);
    }
}
