namespace ChatOpsApprover.Grants;

/// <summary>
/// A kind of grant target whose settings under Targets:&lt;name&gt; bind to <typeparamref name="TOptions"/> and whose
/// roles' own settings (under Roles:&lt;name&gt;, beside Target and Grant) bind to <typeparamref name="TRoleOptions"/>.
/// </summary>
public abstract class GrantTargetType<TOptions, TRoleOptions> : IGrantTargetType
    where TOptions : class, new()
    where TRoleOptions : class, new()
{
    public abstract string Type { get; }

    public IEnumerable<string> Validate(string key, IConfiguration settings) => Validate(key, Bind<TOptions>(settings));

    public IEnumerable<string> ValidateRole(string key, IConfiguration roleSettings) => ValidateRole(key, Bind<TRoleOptions>(roleSettings));

    public IGrantTarget Create(string name, IConfiguration settings, IReadOnlyList<TargetRole> roles) =>
        Create(name, Bind<TOptions>(settings), roles.Select(r => (r, Bind<TRoleOptions>(r.Settings))).ToArray());

    public Task PrepareAsync(IConfiguration settings, TargetUse use, CancellationToken cancellationToken) => PrepareAsync(Bind<TOptions>(settings), use, cancellationToken);

    protected abstract IEnumerable<string> Validate(string key, TOptions options);

    /// <summary>Nothing to check unless the kind reads settings of its own from roles.</summary>
    protected virtual IEnumerable<string> ValidateRole(string key, TRoleOptions role) => [];

    protected abstract IGrantTarget Create(string name, TOptions options, IReadOnlyList<(TargetRole Role, TRoleOptions Options)> roles);

    /// <summary>Nothing to prepare unless the kind says otherwise.</summary>
    protected virtual Task PrepareAsync(TOptions options, TargetUse use, CancellationToken cancellationToken) => Task.CompletedTask;

    private static T Bind<T>(IConfiguration settings)
        where T : class, new() => settings.Get<T>() ?? new T();
}
