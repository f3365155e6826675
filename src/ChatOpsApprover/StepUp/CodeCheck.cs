namespace ChatOpsApprover.StepUp;

/// <summary>A judged code, and the time step it matched (0 unless it matched one).</summary>
public readonly record struct CodeCheck(CodeVerdict Verdict, long Step);
