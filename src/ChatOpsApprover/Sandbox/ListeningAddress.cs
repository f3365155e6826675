using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChatOpsApprover.Sandbox;

/// <summary>
/// Where this process can call itself, read from the configured URLs before the server starts: the bot's Slack settings
/// must name the sandbox's Web API base at start-up. Wildcard hosts become loopback; port 0 becomes a free port, written
/// back to the setting so the server listens where the sandbox expects it.
/// </summary>
public static class ListeningAddress
{
    /// <summary>Kestrel's own default when no URL is configured.</summary>
    private const string KestrelDefault = "http://localhost:5000";

    public static Uri Resolve(IConfiguration configuration)
    {
        var configured = configuration[WebHostDefaults.ServerUrlsKey];
        var urls = string.IsNullOrWhiteSpace(configured)
            ? [KestrelDefault]
            : configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var index = Array.FindIndex(urls, u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        index = index < 0 ? 0 : index;
        var (scheme, host, port) = Split(urls[index]);
        if (port == 0)
        {
            port = FreeLoopbackPort();
            urls[index] = $"{scheme}://{host}:{port.ToString(CultureInfo.InvariantCulture)}";
            configuration[WebHostDefaults.ServerUrlsKey] = string.Join(';', urls);
        }

        return new Uri($"{scheme}://{Callable(host)}:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>scheme://host:port[/path] as Kestrel accepts it, including hosts Uri refuses (*, +).</summary>
    private static (string Scheme, string Host, int Port) Split(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            throw new InvalidOperationException($"urls: \"{url}\" is not a URL such as http://127.0.0.1:5080.");
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        var authority = url[(schemeEnd + 3)..].Split('/')[0];
        var portStart = authority.LastIndexOf(':');
        if (portStart < 0 || authority.EndsWith(']'))
        {
            return (scheme, authority, scheme == "https" ? 443 : 80);
        }

        if (!int.TryParse(authority[(portStart + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new InvalidOperationException($"urls: \"{url}\" has no valid port.");
        }

        return (scheme, authority[..portStart], port);
    }

    /// <summary>A host this process can reach itself at: wildcards and names other than localhost bind every interface.</summary>
    private static string Callable(string host) => host switch
    {
        "*" or "+" or "0.0.0.0" => "127.0.0.1",
        "[::]" => "[::1]",
        _ when host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.StartsWith('[') || IPAddress.TryParse(host, out _) => host,
        _ => "127.0.0.1",
    };

    private static int FreeLoopbackPort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
