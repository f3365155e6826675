using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// Remembers a browser: a random device id in a long-lived, HttpOnly cookie, sealed with Data Protection so it cannot
/// be forged or edited. Only a hash of the id is stored server-side. A missing or tampered cookie means "new device".
/// </summary>
public sealed class DeviceCookie(IDataProtectionProvider provider, IOptions<StepUpOptions> options, TimeProvider time)
{
    public const string Name = "jit-device";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(400);
    private readonly IDataProtector _protector = provider.CreateProtector("ChatOpsApprover.StepUp.DeviceCookie.v1");

    public string? Read(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(Name, out var value) || string.IsNullOrEmpty(value) || value.Length > 1024)
        {
            return null;
        }

        try
        {
            var id = _protector.Unprotect(value);
            return id.Length is > 0 and <= 64 ? id : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public void Write(HttpContext context, string deviceId) =>
        context.Response.Cookies.Append(Name, _protector.Protect(deviceId), new CookieOptions
        {
            HttpOnly = true,
            Secure = IsSecure(context, options.Value),
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = time.GetUtcNow() + Lifetime,
            IsEssential = true,
        });

    /// <summary>TLS usually ends at a proxy, so an https public URL marks cookies Secure even when the request reached us as http.</summary>
    public static bool IsSecure(HttpContext context, StepUpOptions options) =>
        context.Request.IsHttps || options.BaseUri?.Scheme == Uri.UriSchemeHttps;
}
