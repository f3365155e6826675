namespace ChatOpsApprover.Bench.Edge;

/// <summary>A process's resident set now (VmRSS) and at its peak so far (VmHWM), from /proc, in bytes.</summary>
public sealed record ProcessMemory(long Resident, long Peak)
{
    public static ProcessMemory Of(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        long Field(string name) =>
            status.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
                ? long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024
                : 0;
        return new ProcessMemory(Field("VmRSS"), Field("VmHWM"));
    }
}
