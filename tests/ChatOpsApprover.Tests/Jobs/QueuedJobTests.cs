using ChatOpsApprover.Chat.Slack;
using ChatOpsApprover.Chat.Teams;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Jobs;
using ChatOpsApprover.StepUp;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;

namespace ChatOpsApprover.Tests.Jobs;

/// <summary>Jobs already queued in a deployed database are read back by Hangfire's own argument serialization.</summary>
public sealed class QueuedJobTests
{
    public QueuedJobTests() => JobsSetup.UseSerialization(GlobalConfiguration.Configuration);

    /// <summary>ChatPlatform as it was before platforms were registered by key: an enum, in this order.</summary>
    public enum EnumChatPlatform
    {
        Slack,
        Teams,
        Web,
        System,
    }

    [Theory]
    [InlineData(EnumChatPlatform.Slack, "slack")]
    [InlineData(EnumChatPlatform.Teams, "teams")]
    [InlineData(EnumChatPlatform.Web, "web")]
    [InlineData(EnumChatPlatform.System, "system")]
    public void AJobQueuedWithTheEnum_ReadsBackThePlatform(EnumChatPlatform queued, string expected)
    {
        // What Hangfire wrote for the enum argument: its number.
        var written = SerializationHelper.Serialize(queued, SerializationOption.User);
        Assert.Equal(((int)queued).ToString(System.Globalization.CultureInfo.InvariantCulture), written);

        var job = WithArgument(InvocationData.SerializeJob(Job.FromExpression<StepUpJobs>(j => j.TellResetAsync("bob", "erin", ChatPlatform.Web, CancellationToken.None))), 2, written).DeserializeJob();
        Assert.Equal(new ChatPlatform(expected), job.Args[2]);

        var named = WithArgument(InvocationData.SerializeJob(Job.FromExpression<NotificationJobs>(j => j.TellUserAsync(ChatPlatform.Web, "U0BOB", "C1", "hi", CancellationToken.None))), 0, $"\"{queued}\"").DeserializeJob();
        Assert.Equal(new ChatPlatform(expected), named.Args[0]);
    }

    [Fact]
    public void ANewJob_WritesThePlatformsKey_WhichTheEnumCouldReadToo()
    {
        var data = InvocationData.SerializeJob(Job.FromExpression<StepUpJobs>(j => j.SendLinkAsync(7, "bob", StepUpPurpose.Approver, TeamsChat.Key, "U0BOB", "C1", CancellationToken.None)));
        var written = SerializationHelper.Deserialize<string[]>(data.Arguments)[3];
        Assert.Equal("\"teams\"", written);
        Assert.Equal(TeamsChat.Key, data.DeserializeJob().Args[3]);

        // A rollback to the release with the enum still runs the job.
        Assert.Equal(EnumChatPlatform.Teams, SerializationHelper.Deserialize<EnumChatPlatform>(written, SerializationOption.User));
    }

    [Fact]
    public void ANumberTheEnumNeverHad_FailsTheJob_InsteadOfGuessing()
    {
        var data = WithArgument(InvocationData.SerializeJob(Job.FromExpression<StepUpJobs>(j => j.TellResetAsync("bob", "erin", SlackChat.Key, CancellationToken.None))), 2, "4");
        Assert.Throws<JobLoadException>(() => data.DeserializeJob());
    }

    private static InvocationData WithArgument(InvocationData data, int index, string argument)
    {
        var arguments = SerializationHelper.Deserialize<string[]>(data.Arguments);
        arguments[index] = argument;
        return new InvocationData(data.Type, data.Method, data.ParameterTypes, SerializationHelper.Serialize(arguments));
    }
}
