using ChatOpsApprover;

var app = await ChatOpsApproverApp.BuildAsync(args);
await app.RunAsync();
