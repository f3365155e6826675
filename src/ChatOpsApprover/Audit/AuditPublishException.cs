namespace ChatOpsApprover.Audit;

/// <summary>Publishing to one or more audit channels failed; <see cref="AuditPublisher"/> retries from the same entry.</summary>
public sealed class AuditPublishException(IReadOnlyList<Exception> failures)
    : AggregateException("Publishing to an audit channel failed; it is retried from the same entry.", failures);
