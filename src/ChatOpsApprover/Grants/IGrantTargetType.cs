namespace ChatOpsApprover.Grants;

/// <summary>
/// One kind of grant target, registered under its <see cref="Type"/> (the value of Targets:&lt;name&gt;:Type). It
/// checks its own settings under Targets:&lt;name&gt; and the settings it adds to roles (Roles:&lt;name&gt;:…), and
/// builds the targets, so a new kind is one folder under Grants/ plus its registration (<see cref="GrantsSetup.AddGrantTargetType{T}"/>).
/// </summary>
public interface IGrantTargetType
{
    /// <summary>The Targets:&lt;name&gt;:Type value that selects this kind, compared case-insensitively.</summary>
    string Type { get; }

    /// <summary>Every problem with the target's settings, each starting with its key below <paramref name="key"/> (Targets:&lt;name&gt;).</summary>
    IEnumerable<string> Validate(string key, IConfiguration settings);

    /// <summary>Every problem with what this kind reads from a role on one of its targets, each starting with its key below <paramref name="key"/> (Roles:&lt;name&gt;).</summary>
    IEnumerable<string> ValidateRole(string key, IConfiguration roleSettings);

    IGrantTarget Create(string name, IConfiguration settings, IReadOnlyList<TargetRole> roles);

    /// <summary>Runs once at start-up, before the first grant, with what configuration names at the target.</summary>
    Task PrepareAsync(IConfiguration settings, TargetUse use, CancellationToken cancellationToken);
}
