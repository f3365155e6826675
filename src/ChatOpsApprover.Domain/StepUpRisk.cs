namespace ChatOpsApprover.Domain;

/// <summary>What was unusual about where a step-up came from, compared with the person's earlier ones.</summary>
public sealed record StepUpRisk(bool NewDevice, bool NewNetwork)
{
    public static readonly StepUpRisk None = new(false, false);

    public bool IsRisky => NewDevice || NewNetwork;

    /// <summary>"new device, new network", or empty when nothing was new.</summary>
    public string Describe() => string.Join(", ", new[] { NewDevice ? "new device" : null, NewNetwork ? "new network" : null }.OfType<string>());
}
