using Microsoft.Extensions.Options;

namespace ChatOpsApprover.Configuration;

public static class OptionsExtensions
{
    /// <summary>Binds a section and fails start-up with every error the validator names.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration section, Func<T, IReadOnlyList<string>> validate)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new DelegateValidator<T>(validate));
        return services.AddOptions<T>().Bind(section).ValidateOnStart();
    }

    /// <summary>Reads options with the help of a service (what was registered), and fails start-up with every error the validator names.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T, TDep>(this IServiceCollection services, Action<T, TDep> read, Func<T, TDep, IReadOnlyList<string>> validate)
        where T : class
        where TDep : class
    {
        services.AddSingleton<IValidateOptions<T>>(sp => new DelegateValidator<T>(options => validate(options, sp.GetRequiredService<TDep>())));
        return services.AddOptions<T>().Configure(read).ValidateOnStart();
    }

    private sealed class DelegateValidator<T>(Func<T, IReadOnlyList<string>> validate) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var errors = validate(options);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
