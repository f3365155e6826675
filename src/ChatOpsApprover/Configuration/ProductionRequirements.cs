namespace ChatOpsApprover.Configuration;

/// <summary>
/// What Production must be given rather than fall back to: an empty connection string would start the embedded
/// database (meant for a developer's machine), and a missing key-encryption key would leave the Data Protection master
/// keys readable beside the sealed TOTP secrets. A typo or an unset variable stops start-up, naming the key.
/// </summary>
public static class ProductionRequirements
{
    public static readonly string[] Keys = ["ConnectionStrings:Postgres", "DataProtection:KeyEncryptionKey"];

    /// <summary>The errors for the keys Production is missing; none outside Production.</summary>
    public static IReadOnlyList<string> Check(IHostEnvironment environment, IConfiguration configuration) =>
        environment.IsProduction()
            ? Keys.Where(key => string.IsNullOrWhiteSpace(configuration[key]))
                .Select(key => $"{key}: is required in the Production environment (the embedded database and an unencrypted key ring are for Development only; see README, Security).")
                .ToList()
            : [];

    /// <summary>Stops start-up when <see cref="Check"/> finds anything.</summary>
    public static void Enforce(WebApplicationBuilder builder)
    {
        if (Check(builder.Environment, builder.Configuration) is { Count: > 0 } errors)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }
    }
}
