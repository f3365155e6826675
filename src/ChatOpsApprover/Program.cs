using ChatOpsApprover;
using ChatOpsApprover.Hosting;

NativeHeapArenas.Limit();
if (await CommandLine.TryRunAsync(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var app = await ChatOpsApproverApp.BuildAsync(args);
await app.RunAsync();
return 0;
