using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChatOpsApprover.Configuration;

/// <summary>
/// Where the web host listens is the operator's, set the ways ASP.NET Core documents (in the order Kestrel honours
/// them): Kestrel:Endpoints; the "urls" setting (ASPNETCORE_URLS, --urls, Urls in a settings file or the environment);
/// the ports settings (ASPNETCORE_HTTP_PORTS, ASPNETCORE_HTTPS_PORTS, HTTP_PORTS, …). Only when none of them is given
/// does the bot take <see cref="Default"/>, so a settings file never hides the environment's choice.
/// </summary>
public static class ListeningAddress
{
    /// <summary>Loopback only: an unconfigured bot is not reachable from other machines.</summary>
    public const string Default = "http://127.0.0.1:5080";

    // The host's own setting names (WebHostDefaults.ServerUrlsKey, HttpPortsKey, HttpsPortsKey); configuration keys
    // compare case-insensitively, so ASPNETCORE_URLS and Urls are the same key.
    private const string UrlsKey = "urls";
    private const string HttpPortsKey = "http_ports";
    private const string HttpsPortsKey = "https_ports";
    private const string KestrelEndpoints = "Kestrel:Endpoints";

    /// <summary>Gives the web host <see cref="Default"/> unless the configuration already says where to listen.</summary>
    public static void UseDefaultListeningAddress(this WebApplicationBuilder builder)
    {
        if (Configured(builder.Configuration).Count == 0)
        {
            builder.WebHost.UseUrls(Default);
        }
    }

    /// <summary>
    /// A URL on this machine at which the web host started with <paramref name="configuration"/> answers: the first
    /// address it listens on (http preferred), with a wildcard host ("+", "*", "0.0.0.0", "[::]") read as loopback.
    /// Null when the configured address cannot be reached by URL (port 0: chosen at start).
    /// </summary>
    public static Uri? Local(IConfiguration configuration)
    {
        var addresses = Configured(configuration);
        if (addresses.Count == 0)
        {
            addresses = [Default];
        }

        var local = addresses.Select(ToLoopback).OfType<Uri>().ToList();
        return local.FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttp) ?? local.FirstOrDefault();
    }

    /// <summary>
    /// Like <see cref="Local"/>, for a process that calls itself and must know where before its server starts (the
    /// sandbox): a port 0 in the "urls" setting becomes a free loopback port, written back to the setting so that the
    /// server listens where the caller expects it.
    /// </summary>
    public static Uri Self(IConfiguration configuration)
    {
        var urls = Split(configuration[UrlsKey]);
        var chosen = urls.Select(WithFreePortForZero).ToList();
        if (!chosen.SequenceEqual(urls))
        {
            configuration[UrlsKey] = string.Join(';', chosen);
        }

        return Local(configuration) ?? throw new InvalidOperationException(
            $"urls: none of \"{configuration[UrlsKey]}\" is an address this process can call itself at; give one such as {Default}.");
    }

    private static string WithFreePortForZero(string url)
    {
        var trimmed = url.TrimEnd('/');
        return trimmed.EndsWith(":0", StringComparison.Ordinal)
            ? trimmed[..^1] + FreeLoopbackPort().ToString(CultureInfo.InvariantCulture)
            : url;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary>The addresses the configuration names, in the order of precedence Kestrel applies; empty when none.</summary>
    private static List<string> Configured(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection(KestrelEndpoints).GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        if (endpoints.Count > 0)
        {
            return endpoints;
        }

        if (Split(configuration[UrlsKey]) is { Count: > 0 } urls)
        {
            return urls;
        }

        return [.. Split(configuration[HttpPortsKey]).Select(p => $"http://*:{p}"), .. Split(configuration[HttpsPortsKey]).Select(p => $"https://*:{p}")];
    }

    private static List<string> Split(string? value) =>
        [.. (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static Uri? ToLoopback(string address)
    {
        // "+" and "*" are not valid URI hosts; Kestrel reads them (like 0.0.0.0 and [::]) as "every interface".
        var parseable = address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(parseable, UriKind.Absolute, out var uri) || uri.Port == 0)
        {
            return null;
        }

        var host = uri.Host is "0.0.0.0" or "[::]" ? "127.0.0.1" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port).Uri;
    }
}
