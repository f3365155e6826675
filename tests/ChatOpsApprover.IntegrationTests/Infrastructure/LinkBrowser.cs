using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>One page as a browser received it.</summary>
public sealed partial record LinkResponse(HttpStatusCode Status, string Html, HttpResponseMessage Response)
{
    [GeneratedRegex("<h1>(.*?)</h1>", RegexOptions.Singleline)]
    private static partial Regex TitlePattern();

    [GeneratedRegex("<code id=\"secret\">([A-Z2-7 ]+)</code>")]
    private static partial Regex SecretPattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();

    public string Title => System.Net.WebUtility.HtmlDecode(TitlePattern().Match(Html).Groups[1].Value);

    /// <summary>The secret shown for manual entry, without the spaces that group it.</summary>
    public string? Secret => SecretPattern().Match(Html) is { Success: true } m ? m.Groups[1].Value.Replace(" ", string.Empty, StringComparison.Ordinal) : null;

    public string? AntiforgeryToken => AntiforgeryPattern().Match(Html) is { Success: true } m ? System.Net.WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    public bool HasCodeForm => Html.Contains("autocomplete=\"one-time-code\"", StringComparison.Ordinal);

    public string Header(string name) =>
        Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : string.Empty;
}

/// <summary>
/// A person's browser for the link pages over loopback HTTP: it keeps its cookies (the device cookie, anti-forgery)
/// and can connect from another loopback address, which the bot sees as another network.
/// </summary>
public sealed class LinkBrowser : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="sourceAddress">The loopback address to connect from (127.0.0.2 looks like another network).</param>
    /// <param name="cookies">Another browser's cookies: the same device on another network.</param>
    /// <param name="forwardedFor">An X-Forwarded-For header to send, as a reverse proxy would.</param>
    /// <param name="forwardedProto">An X-Forwarded-Proto header to send, as a reverse proxy that ended TLS would.</param>
    public LinkBrowser(string sourceAddress = "127.0.0.1", CookieContainer? cookies = null, string? forwardedFor = null, string? forwardedProto = null)
    {
        var source = IPAddress.Parse(sourceAddress);
        Cookies = cookies ?? new CookieContainer();
        var handler = new SocketsHttpHandler
        {
            CookieContainer = Cookies,
            UseCookies = true,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler);
        if (forwardedFor is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        if (forwardedProto is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        }
    }

    public CookieContainer Cookies { get; }

    public async Task<LinkResponse> OpenAsync(Uri link)
    {
        var response = await _http.GetAsync(link);
        return new LinkResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>Opens the page, then submits the code with the page's anti-forgery token, as the form would.</summary>
    public async Task<LinkResponse> SubmitAsync(Uri link, string code)
    {
        var page = await OpenAsync(link);
        var token = page.AntiforgeryToken;
        Assert.True(token is not null, $"The page has no form ({page.Status}: {page.Title}).");
        return await PostAsync(link, new Dictionary<string, string> { ["__RequestVerificationToken"] = token!, ["code"] = code });
    }

    public async Task<LinkResponse> PostAsync(Uri link, Dictionary<string, string> form)
    {
        var response = await _http.PostAsync(link, new FormUrlEncodedContent(form));
        return new LinkResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public void Dispose() => _http.Dispose();
}
