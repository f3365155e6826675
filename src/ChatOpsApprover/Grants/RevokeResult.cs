namespace ChatOpsApprover.Grants;

/// <summary>
/// What a target did with one grant it was asked to take away. <see cref="Detail"/> says why it was kept or failed;
/// <see cref="SessionsClosed"/> counts the sessions at the target that ended with it (null: sessions are not looked at).
/// </summary>
public sealed record RevokeResult(RevokeStatus Status, string? Detail = null, int? SessionsClosed = null)
{
    public static RevokeResult Revoked(int? sessionsClosed = null) => new(RevokeStatus.Revoked, SessionsClosed: sessionsClosed);

    public static RevokeResult Kept(string why) => new(RevokeStatus.Kept, why);

    public static RevokeResult Failed(string why) => new(RevokeStatus.Failed, why);
}
