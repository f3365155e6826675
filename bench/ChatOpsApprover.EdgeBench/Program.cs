using System.CommandLine;
using ChatOpsApprover.Bench.Edge;

// The Slack edge benchmark: the real bot (its own process, PostgreSQL, a stand-in Slack Web API) driven by wrk with
// signed requests at a fixed concurrency, beside a reference app written with Slack's Bolt for JavaScript, in one run
// on one machine. Prints requests/s, p50/p99, the ratio to Bolt and the CPU milliseconds per request of the whole
// system, background work included. bench/edge.sh installs wrk and Bolt and runs this.
//
//   dotnet run -c Release --project bench/ChatOpsApprover.EdgeBench -- --bolt bench/ChatOpsApprover.EdgeBench/bolt
//       [--connections 16] [--threads 2] [--duration 10] [--warmup 3] [--people 200] [--postgres "<admin connection string>"]
//       [--scenarios help request click] [--hold-jobs]
//   dotnet run -c Release --project bench/ChatOpsApprover.EdgeBench -- memory [--grants 10000] [--idle 90] [--rounds 100]
//       [--bot-env DOTNET_gcServer=1] [--bot-dll <published ChatOpsApprover.dll>]
var connections = new Option<int>("--connections") { Description = "Open connections of the load generator", HelpName = "count", DefaultValueFactory = _ => 16 };
var threads = new Option<int>("--threads") { Description = "Threads of the load generator", HelpName = "count", DefaultValueFactory = _ => 2 };
var duration = new Option<double>("--duration") { Description = "Seconds each measured run lasts", HelpName = "seconds", DefaultValueFactory = _ => 10 };
var warmup = new Option<double>("--warmup") { Description = "Seconds of unmeasured load before each measured run", HelpName = "seconds", DefaultValueFactory = _ => 3 };
var people = new Option<int>("--people") { Description = "Distinct requesters of /jit request", HelpName = "count", DefaultValueFactory = _ => 200 };
var bolt = new Option<string?>("--bolt") { Description = "Folder of the Bolt reference app with its node_modules (none: Bolt is not run)", HelpName = "folder" };
var postgres = new Option<string?>("--postgres") { Description = "Admin connection string of a PostgreSQL on this machine to use (default: the benchmark starts its own)", HelpName = "connection string" };

var scenarios = new Option<string[]>("--scenarios") { Description = "Which of ours to run (a click needs requests: request runs before it)", HelpName = "help request click", DefaultValueFactory = _ => ["help", "request", "click"], AllowMultipleArgumentsPerToken = true };
scenarios.AcceptOnlyFromAmong("help", "request", "click");
var holdJobs = new Option<bool>("--hold-jobs") { Description = "Run the bot without its Hangfire server (Hangfire:RunServer false) and audit channel: what the answers cost without the jobs and posts they cause" };

// The stand-in Slack Web API runs in a process of its own, so its CPU time is its own.
var portArgument = new Argument<int>("port");
var keep = new Option<bool>("--keep") { Description = "Keep the work folder (the bot's, Bolt's and the Slack stand-in's logs) and print where it is" };

var fakeSlack = new Command("fake-slack", "Runs the stand-in Slack Web API on a port") { Hidden = true };
fakeSlack.Add(portArgument);
fakeSlack.SetAction((result, _) => FakeSlackApi.RunAsync(result.GetValue(portArgument)));

// The bot's memory holding many active grants, idle and with a little traffic (see MemoryBenchmark).
var grants = new Option<int>("--grants") { Description = "Active grants the bot holds", HelpName = "count", DefaultValueFactory = _ => 10_000 };
var memoryPeople = new Option<int>("--people") { Description = "People the active grants belong to (and who make the traffic)", HelpName = "count", DefaultValueFactory = _ => 200 };
var idle = new Option<double>("--idle") { Description = "Seconds the bot idles before and after the traffic", HelpName = "seconds", DefaultValueFactory = _ => 90 };
var rounds = new Option<int>("--rounds") { Description = "Rounds of a little traffic, each: /jit help, /jit request, an Approve click, a Home tab opened", HelpName = "count", DefaultValueFactory = _ => 100 };
var rate = new Option<double>("--rate") { Description = "At most this many rounds a second", HelpName = "rounds", DefaultValueFactory = _ => 2 };
var botEnvironment = new Option<string[]>("--bot-env") { Description = "An environment variable for the bot, e.g. DOTNET_gcServer=0 (repeatable)", HelpName = "NAME=value", AllowMultipleArgumentsPerToken = false };
var memoryPostgres = new Option<string?>("--postgres") { Description = "Admin connection string of a PostgreSQL on this machine to use (default: the benchmark starts its own)", HelpName = "connection string" };
var botDll = new Option<string?>("--bot-dll") { Description = "The bot to run (default: the ChatOpsApprover.dll built beside the benchmark), e.g. a published one", HelpName = "path" };
var memoryKeep = new Option<bool>("--keep") { Description = "Keep the work folder (the bot's and the Slack stand-in's logs) and print where it is" };
var memory = new Command("memory", "The bot's resident memory and GC heap holding many active grants, idle and with a little traffic")
{
    grants, memoryPeople, idle, rounds, rate, botEnvironment, memoryPostgres, memoryKeep, botDll,
};
memory.SetAction((result, _) => MemoryBenchmark.RunAsync(new MemorySettings(
    result.GetValue(grants),
    result.GetValue(memoryPeople),
    TimeSpan.FromSeconds(result.GetValue(idle)),
    result.GetValue(rounds),
    result.GetValue(rate),
    (result.GetValue(botEnvironment) ?? []).Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e.Length > 1 ? e[1] : "", StringComparer.Ordinal),
    result.GetValue(memoryPostgres),
    result.GetValue(memoryKeep),
    result.GetValue(botDll))));

var root = new RootCommand("Slack edge benchmark: the bot's answers to signed slash commands and clicks, beside Bolt for JavaScript")
{
    connections, threads, duration, warmup, people, bolt, postgres, keep, scenarios, holdJobs, fakeSlack, memory,
};
root.SetAction((result, _) => EdgeBenchmark.RunAsync(new EdgeSettings(
    result.GetValue(connections),
    result.GetValue(threads),
    TimeSpan.FromSeconds(result.GetValue(duration)),
    TimeSpan.FromSeconds(result.GetValue(warmup)),
    result.GetValue(people),
    result.GetValue(bolt),
    result.GetValue(postgres),
    result.GetValue(keep),
    (result.GetValue(scenarios) ?? []).ToHashSet(StringComparer.Ordinal),
    result.GetValue(holdJobs))));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("See the options with --help.");
    return 2;
}

return await parsed.InvokeAsync();
