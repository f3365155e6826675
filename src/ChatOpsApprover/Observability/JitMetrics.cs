using System.Diagnostics.Metrics;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Grants;
using ChatOpsApprover.Requests;
using ChatOpsApprover.StepUp;

namespace ChatOpsApprover.Observability;

/// <summary>
/// The bot's own instruments, in one meter (<see cref="MeterName"/>). Code that makes a fact happen records it here in
/// one line; the names are those Prometheus shows (the exporter adds "_total" to counters, and nothing else, because
/// the histograms already end in their unit). Labels take few values: platform keys and outcome names.
/// </summary>
public sealed class JitMetrics
{
    public const string MeterName = "ChatOpsApprover";

    // Seconds: a person waits seconds for a grant, an approver minutes or hours for a decision.
    private static readonly double[] LagBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];
    private static readonly double[] DecisionBuckets = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600];

    // A revocation batch's steps take from a fraction of a millisecond (an empty insert) to a second (a slow target).
    private static readonly double[] StepBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly long[] BatchRowBuckets = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _decisions;
    private readonly Histogram<double> _grantLag;
    private readonly Histogram<double> _revokeLag;
    private readonly Histogram<double> _revocationSteps;
    private readonly Histogram<long> _revocationBatchRows;
    private readonly Counter<long> _stepUps;
    private readonly Counter<long> _chatApiCalls;
    private readonly Counter<long> _signatureFailures;

    public JitMetrics(IMeterFactory meters, GrantCounts grants)
    {
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("jit_requests", description: "Access requests made, by platform and outcome (refused, sent_to_approvers, auto_approved, auto_approved_awaiting_second_factor).");
        _decisions = meter.CreateHistogram("jit_decision_seconds", "s", "From a request to its approval or denial by approvers.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DecisionBuckets });
        _grantLag = meter.CreateHistogram("jit_grant_lag_seconds", "s", "From approval (or the requester's step-up, when later) to the GRANT committed.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        _revokeLag = meter.CreateHistogram("jit_revoke_lag_seconds", "s", "From the end of a window to the REVOKE committed.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        _revocationSteps = meter.CreateHistogram("jit_revocation_step_seconds", "s", "Each step of a revocation batch (wait, claim, lock, still_needed, target, status, audit, jobs, commit) and the scheduler's wake-up lateness (wake), by step.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });
        _revocationBatchRows = meter.CreateHistogram<long>("jit_revocation_batch_rows", description: "Requests claimed per revocation batch.", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = BatchRowBuckets });
        _stepUps = meter.CreateCounter<long>("jit_stepup", description: "Step-up codes submitted, by outcome.");
        _chatApiCalls = meter.CreateCounter<long>("jit_chat_api_calls", description: "Attempts to call a chat platform's API, by platform, method and outcome (the HTTP status, or no_answer).");
        _signatureFailures = meter.CreateCounter<long>("jit_signature_failures", description: "Inbound chat requests refused for a bad signature or token, by platform.");
        meter.CreateObservableGauge("jit_active_grants", () => grants.Read()?.Active ?? Empty, description: "Grants active now.");
        meter.CreateObservableGauge("jit_revocations_overdue", () => grants.Read()?.Overdue ?? Empty, description: $"Active grants past their end by more than {GrantCounts.OverdueAfter.TotalSeconds:0} s: alert when above 0.");
    }

    private static IEnumerable<Measurement<long>> Empty => [];

    public void RequestMade(ChatPlatform platform, RequestAccessOutcome outcome) =>
        _requests.Add(1, new("platform", platform.Name), new("outcome", MetricNames.Of(outcome)));

    /// <summary>Approvers decided (the last vote approved, or one denied).</summary>
    public void Decided(AccessRequest request, bool approved, DateTimeOffset at) =>
        _decisions.Record(Seconds(at - request.RequestedAt), new KeyValuePair<string, object?>("outcome", approved ? "approved" : "denied"));

    /// <summary>The GRANT of <paramref name="request"/> committed at <paramref name="at"/>.</summary>
    public void Granted(AccessRequest request, DateTimeOffset at) => _grantLag.Record(Seconds(at - GrantableSince(request)));

    /// <summary>The REVOKEs of <paramref name="ended"/> (among <paramref name="claimed"/>) committed at <paramref name="at"/>.</summary>
    public void Revoked(IEnumerable<AccessRequest> claimed, IReadOnlyCollection<long> ended, DateTimeOffset at)
    {
        foreach (var request in claimed.Where(r => r.EndsAt is not null && ended.Contains(r.Id)))
        {
            _revokeLag.Record(Seconds(at - request.EndsAt!.Value));
        }
    }

    /// <summary>One step of a revocation batch (or the scheduler's wake-up) took <paramref name="took"/>.</summary>
    public void RevocationStepTook(RevocationStep step, TimeSpan took) =>
        _revocationSteps.Record(Seconds(took), new KeyValuePair<string, object?>("step", MetricNames.Of(step)));

    /// <summary>A revocation batch claimed <paramref name="rows"/> requests.</summary>
    public void RevocationBatch(int rows) => _revocationBatchRows.Record(rows);

    public void StepUpRefused(CodeRefusal refusal) => _stepUps.Add(1, new KeyValuePair<string, object?>("outcome", MetricNames.Of(refusal)));

    public void StepUpFinished(StepUpState state) => _stepUps.Add(1, new KeyValuePair<string, object?>("outcome", MetricNames.Of(state)));

    public void ChatApiCalled(ChatPlatform platform, string method, string outcome) =>
        _chatApiCalls.Add(1, new("platform", platform.Name), new("method", method), new("outcome", outcome));

    public void SignatureFailed(ChatPlatform platform) => _signatureFailures.Add(1, new KeyValuePair<string, object?>("platform", platform.Name));

    /// <summary>When access could start: the requester's verified step-up, else the approving vote, else (AutoApprove) the request.</summary>
    private static DateTimeOffset GrantableSince(AccessRequest request)
    {
        var approved = request.Approvals.Select(a => a.At).DefaultIfEmpty(request.RequestedAt).Max();
        var confirmed = request.StepUps.Where(s => s.Purpose == StepUpPurpose.Requester && s.State == StepUpState.Verified).Select(s => s.At).DefaultIfEmpty(approved).Max();
        return confirmed > approved ? confirmed : approved;
    }

    private static double Seconds(TimeSpan span) => Math.Max(0, span.TotalSeconds);
}
