using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatOpsApprover.StepUp;

/// <summary>The random id a browser keeps in its device cookie (<see cref="DeviceCookie"/>); only its hash is stored.</summary>
public static class DeviceId
{
    public static string New() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    public static byte[] Hash(string deviceId) => SHA256.HashData(Encoding.ASCII.GetBytes(deviceId));
}
