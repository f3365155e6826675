using System.Security.Cryptography;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// The running sandbox's own settings, made at start-up: the signing secret and bot token it shares with the bot
/// (random each run, never written anywhere), and the addresses both sides call. A class, not a record, so that
/// printing it cannot show the secrets.
/// </summary>
public sealed class SandboxSettings(SandboxReach reach, Uri botBase)
{
    public const string TeamId = "T0SANDBOX";
    public const string AppId = "A0SANDBOX";
    public const string BotId = "B0SANDBOX";

    /// <summary>The bot's own user id in the sandbox workspace.</summary>
    public const string BotUserId = "U0JITBOT";

    public const string BotName = "ChatOpsApprover";

    /// <summary>Where typed commands go until someone picks another channel.</summary>
    public const string RequestsChannel = "C0REQUESTS";

    public SandboxReach Reach { get; } = reach;

    /// <summary>This process as it calls itself, e.g. http://127.0.0.1:5080/.</summary>
    public Uri BotBase { get; } = botBase;

    /// <summary>
    /// Where the sandbox's step-up and enrollment links point unless StepUp:PublicBaseUrl says otherwise: this process
    /// named "localhost" rather than by a loopback IP, because browsers offer passkeys over plain http only there.
    /// </summary>
    public Uri LinkBase { get; } = botBase.IsLoopback && botBase.HostNameType != UriHostNameType.Dns
        ? new UriBuilder(botBase) { Host = "localhost" }.Uri
        : botBase;

    /// <summary>The sandbox's Slack Web API, which the bot uses as Slack:ApiBaseUrl.</summary>
    public Uri ApiBase { get; } = new(botBase, "sandbox/api/");

    public string SigningSecret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public string BotToken { get; } = "xoxb-sandbox-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
