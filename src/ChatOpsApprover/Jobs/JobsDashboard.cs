using System.Security.Cryptography;
using System.Text;
using ChatOpsApprover.Configuration;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Jobs;

/// <summary>Settings "Hangfire:DashboardUser" and "Hangfire:DashboardPassword" (keep the password in the environment).</summary>
public sealed class JobsDashboardOptions
{
    public const int MinimumPasswordLength = 16;

    public string? DashboardUser { get; set; }
    public string? DashboardPassword { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(DashboardUser) && !string.IsNullOrEmpty(DashboardPassword);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(DashboardUser) != string.IsNullOrEmpty(DashboardPassword))
        {
            errors.Add("Hangfire:DashboardUser and Hangfire:DashboardPassword: set both to open the dashboard at /hangfire, or neither to keep it closed.");
        }

        if (!string.IsNullOrEmpty(DashboardUser) && DashboardUser.Contains(':', StringComparison.Ordinal))
        {
            errors.Add("Hangfire:DashboardUser: must not contain ':' (HTTP Basic separates user and password with it).");
        }

        if (!string.IsNullOrEmpty(DashboardPassword) && DashboardPassword.Length < MinimumPasswordLength)
        {
            errors.Add($"Hangfire:DashboardPassword: use at least {MinimumPasswordLength} random characters.");
        }

        return errors;
    }
}

/// <summary>
/// Hangfire's dashboard at /hangfire, read-only, behind HTTP Basic authentication. Without a configured user and
/// password it is not mapped at all (404): never open by default.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/hangfire";

    public static IServiceCollection AddJobsDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<JobsDashboardOptions>(configuration.GetSection("Hangfire"), o => o.Validate());
        return services;
    }

    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<JobsDashboardOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new BasicAuthorization(options.DashboardUser!, options.DashboardPassword!)],
            IsReadOnlyFunc = _ => true,
            DisplayStorageConnectionString = false,
            AppPath = null,
        }, app.ServiceProvider.GetRequiredService<JobStorage>());
        return app;
    }

    private sealed class BasicAuthorization(string user, string password) : IDashboardAsyncAuthorizationFilter
    {
        private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes($"{user}:{password}"));

        public Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            var header = http.Request.Headers.Authorization.ToString();
            if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && Matches(header["Basic ".Length..].Trim()))
            {
                return Task.FromResult(true);
            }

            // Hangfire answers 401; this header makes a browser ask for the user and password.
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"Hangfire\", charset=\"UTF-8\"";
            return Task.FromResult(false);
        }

        private bool Matches(string encoded)
        {
            byte[] decoded;
            try
            {
                decoded = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                return false;
            }

            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(decoded), _expected);
        }
    }
}
