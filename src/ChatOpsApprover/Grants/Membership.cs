namespace ChatOpsApprover.Grants;

/// <summary>A grant at a target as one login holds it: <see cref="Grant"/> given to <see cref="Login"/>, whichever request gave it.</summary>
public readonly record struct Membership(string Grant, string Login);
