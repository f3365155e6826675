using ChatOpsApprover.Configuration;
using ChatOpsApprover.Domain;
using ChatOpsApprover.StepUp;
using Microsoft.Extensions.Configuration;

namespace ChatOpsApprover.Tests.Configuration;

public sealed class AppSettingsTests
{
    private static IConfiguration Shipped() =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();

    [Fact]
    public void TheShippedConfiguration_BindsAndValidates_WithRequesterStepUp()
    {
        var configuration = Shipped();
        var stepUp = configuration.GetSection("StepUp").Get<StepUpOptions>()!;
        Assert.Empty(stepUp.Validate());
        Assert.Null(stepUp.BaseUri);
        Assert.Equal(TimeSpan.FromMinutes(5), stepUp.LinkLifetime);
        Assert.Empty(configuration.GetSection("DataProtection").Get<KeyRingOptions>()!.Validate());

        var access = Registered.Access(configuration);
        Assert.Empty(access.Validate(Registered.WithEmbeddedPostgres));
        Assert.Equal(StepUpPolicy.Requester, access.ToDirectory(Registered.Defaults).FindRole("prod-db-read")!.StepUp);
    }
}
