namespace ChatOpsApprover.StepUp;

/// <summary>The anti-forgery token a code form carries: its hidden field's name and value.</summary>
public sealed record LinkFormToken(string FieldName, string Value);
