namespace ChatOpsApprover.Grants;

/// <summary>A kind of grant target whose settings under Targets:&lt;name&gt; bind to <typeparamref name="TOptions"/>.</summary>
public abstract class GrantTargetType<TOptions> : IGrantTargetType
    where TOptions : class, new()
{
    public abstract string Type { get; }

    public IEnumerable<string> Validate(string key, IConfiguration settings) => Validate(key, Bind(settings));

    public IGrantTarget Create(string name, IConfiguration settings) => Create(name, Bind(settings));

    public Task PrepareAsync(IConfiguration settings, TargetUse use, CancellationToken cancellationToken) => PrepareAsync(Bind(settings), use, cancellationToken);

    protected abstract IEnumerable<string> Validate(string key, TOptions options);

    protected abstract IGrantTarget Create(string name, TOptions options);

    /// <summary>Nothing to prepare unless the kind says otherwise.</summary>
    protected virtual Task PrepareAsync(TOptions options, TargetUse use, CancellationToken cancellationToken) => Task.CompletedTask;

    private static TOptions Bind(IConfiguration settings) => settings.Get<TOptions>() ?? new TOptions();
}
