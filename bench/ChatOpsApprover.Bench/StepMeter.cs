using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ChatOpsApprover.Bench;

/// <summary>
/// Reads the bot's own instruments in the engine's process, as a metrics exporter would: the time each revocation step
/// took (jit_revocation_step_seconds, by step), the rows per batch (jit_revocation_batch_rows), and the chat API
/// attempts (jit_chat_api_calls, by outcome), so a run says where its time went and how often chat failed.
/// </summary>
public sealed class StepMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, (long Count, double Seconds)> _steps = new(StringComparer.Ordinal);
    private long _batches;
    private long _rows;
    private long _chatCalls;
    private long _chatFailures;

    public StepMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "ChatOpsApprover" && instrument.Name is "jit_revocation_step_seconds" or "jit_revocation_batch_rows" or "jit_chat_api_calls")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            var step = Tag(tags, "step") ?? "?";
            _steps.AddOrUpdate(step, (1, seconds), (_, total) => (total.Count + 1, total.Seconds + seconds));
        });
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "jit_revocation_batch_rows")
            {
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _rows, value);
                return;
            }

            Interlocked.Add(ref _chatCalls, value);
            if (Tag(tags, "outcome") is not ("200" or null))
            {
                Interlocked.Add(ref _chatFailures, value);
            }
        });
        _listener.Start();
    }

    /// <summary>What was measured so far.</summary>
    public StepSummary Summary() => new(
        [.. _steps.Select(s => new StepTotal(s.Key, s.Value.Count, s.Value.Seconds * 1000))],
        Interlocked.Read(ref _batches),
        Interlocked.Read(ref _rows),
        Interlocked.Read(ref _chatCalls),
        Interlocked.Read(ref _chatFailures));

    public void Dispose() => _listener.Dispose();

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}

/// <summary>One step's total over a run: how many times it was timed, and for how long in all.</summary>
public sealed record StepTotal(string Step, long Count, double TotalMs);

/// <summary>The bot's own account of a run: its revocation steps, batches, rows, and chat API attempts and failures.</summary>
public sealed record StepSummary(IReadOnlyList<StepTotal> Steps, long Batches, long Rows, long ChatCalls, long ChatFailures);
