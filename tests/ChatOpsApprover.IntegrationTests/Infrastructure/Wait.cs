namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Waits on a condition with a deadline: never a fixed sleep.</summary>
public static class Wait
{
    // Generous: a deadline only bounds a wait that fails; it must hold on a busy 2-core machine running test classes side by side.
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (value is not null && value is not false)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }

    public static Task UntilAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        UntilAsync<object>(async () => await probe() ? true : null, what, timeout);

    public static Task UntilAsync(Func<bool> probe, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(probe()), what, timeout);
}
