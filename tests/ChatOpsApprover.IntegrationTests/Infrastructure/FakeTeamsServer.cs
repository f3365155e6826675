using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>One Bot Connector call as the connector received it.</summary>
public sealed record ConnectorCall(string Operation, string? ConversationId, string? ActivityId, JsonObject Body, string? Authorization)
{
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Json => Body.ToJsonString(Readable);

    public string Text => Body["text"]?.GetValue<string>() ?? string.Empty;

    /// <summary>The Adaptive Card in the activity, if it carries one.</summary>
    public JsonObject? Card => Body["attachments"]?.AsArray().FirstOrDefault()?["content"] as JsonObject;
}

/// <summary>
/// Microsoft's side of Teams, over loopback, in its real wire formats: the Bot Connector's token issuer (RSA keys,
/// a JWKS with endorsements, OpenID metadata) minting tokens for inbound activities; an Entra token endpoint (https,
/// as MSAL requires) issuing client-credential tokens; and a Bot Connector recording what the bot sends and updates.
/// </summary>
public sealed class FakeTeamsServer : IAsyncDisposable
{
    public const string AppId = "0b0b0b0b-1111-4222-8333-444444444444";
    public const string AppPassword = "test-app-password";
    public const string TenantId = "7e7e7e7e-0000-4000-8000-000000000001";
    public const string Issuer = "https://api.botframework.com";
    public const string CurrentKeyId = "key-current";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (RsaSecurityKey Key, string[] Endorsements)> _published = new();
    private readonly ConcurrentQueue<ConnectorCall> _calls = new();
    private readonly ConcurrentQueue<(string Operation, int Status)> _failures = new();
    private readonly ConcurrentQueue<string> _tokenRequests = new();
    private readonly ConcurrentDictionary<string, bool> _issuedTokens = new();
    private int _metadataFetches;
    private int _keySetFetches;
    private long _activityIds = 1_700_000_000_000;

    private FakeTeamsServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
        PublishKey(CurrentKeyId, "msteams");
    }

    /// <summary>The token endpoint's self-signed certificate; the bot under test trusts exactly this one.</summary>
    public X509Certificate2 Certificate { get; }

    public Uri ServiceUrl { get; private set; } = null!;
    public Uri OpenIdMetadataUrl { get; private set; } = null!;
    public Uri TokenEndpoint { get; private set; } = null!;

    public IReadOnlyList<ConnectorCall> Calls => _calls.ToArray();
    public IEnumerable<ConnectorCall> CallsTo(string operation) => _calls.Where(c => c.Operation == operation);
    public IReadOnlyList<string> TokenRequests => _tokenRequests.ToArray();
    public int MetadataFetches => _metadataFetches;
    public int KeySetFetches => _keySetFetches;

    public static async Task<FakeTeamsServer> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        var server = new FakeTeamsServer(app, certificate);
        server.Map(app);
        await app.StartAsync();
        var addresses = app.Urls.ToArray();
        var http = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/');
        var https = addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal)).TrimEnd('/');
        server.ServiceUrl = new Uri(http + "/connector/");
        server.OpenIdMetadataUrl = new Uri(http + "/v1/.well-known/openidconfiguration");
        server.TokenEndpoint = new Uri($"{https}/{TenantId}/oauth2/v2.0/token");
        return server;
    }

    // ---- The issuer ----

    /// <summary>Publishes a key in the JWKS (key rotation), endorsed for the given channels.</summary>
    public RsaSecurityKey PublishKey(string keyId, params string[] endorsements)
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = keyId };
        _published[keyId] = (key, endorsements);
        return key;
    }

    /// <summary>A key the issuer never published (a forger's key), optionally using a published key's id.</summary>
    public static RsaSecurityKey UnpublishedKey(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };

    public RsaSecurityKey Key(string keyId) => _published[keyId].Key;

    /// <summary>Mints a Bot Connector token; every part can be made wrong for a test.</summary>
    public string MintToken(
        DateTimeOffset now,
        string? serviceUrl,
        string audience = AppId,
        string issuer = Issuer,
        RsaSecurityKey? key = null,
        TimeSpan? lifetime = null,
        string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var claims = new Dictionary<string, object>();
        if (serviceUrl is not null)
        {
            claims["serviceurl"] = serviceUrl;
        }

        var notBefore = now - TimeSpan.FromMinutes(1);
        var expires = notBefore + (lifetime ?? TimeSpan.FromHours(1));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore.UtcDateTime,
            NotBefore = notBefore.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? Key(CurrentKeyId), algorithm),
        });
    }

    // ---- The connector ----

    /// <summary>The next <paramref name="times"/> calls of <paramref name="operation"/> (send, reply, update, create, token) fail with <paramref name="status"/>.</summary>
    public void FailNext(string operation, int status, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _failures.Enqueue((operation, status));
        }
    }

    private bool TryFail(string operation, HttpContext context, out IResult result)
    {
        result = Results.Ok();
        if (_failures.TryPeek(out var next) && next.Operation == operation && _failures.TryDequeue(out next))
        {
            _calls.Enqueue(new ConnectorCall(operation + "#failed", null, null, [], context.Request.Headers.Authorization));
            if (next.Status == 429)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            result = Results.Json(new { error = new { code = "Throttled", message = "fake failure" } }, statusCode: next.Status);
            return true;
        }

        return false;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/v1/.well-known/openidconfiguration", (HttpContext context) =>
        {
            Interlocked.Increment(ref _metadataFetches);
            var origin = $"{context.Request.Scheme}://{context.Request.Host}";
            return Results.Json(new JsonObject
            {
                ["issuer"] = Issuer,
                ["authorization_endpoint"] = "https://invalid.botframework.com",
                ["jwks_uri"] = $"{origin}/v1/.well-known/keys",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
            });
        });

        app.MapGet("/v1/.well-known/keys", () =>
        {
            Interlocked.Increment(ref _keySetFetches);
            var keys = new JsonArray();
            foreach (var (keyId, (key, endorsements)) in _published)
            {
                var parameters = key.Rsa.ExportParameters(false);
                keys.Add(new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = keyId,
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    ["endorsements"] = new JsonArray(endorsements.Select(e => (JsonNode)e).ToArray()),
                });
            }

            return Results.Json(new JsonObject { ["keys"] = keys });
        });

        app.MapPost("/{tenant}/oauth2/v2.0/token", async (HttpContext context, string tenant) =>
        {
            var form = await context.Request.ReadFormAsync();
            _tokenRequests.Enqueue(tenant);
            if (TryFail("token", context, out var failure))
            {
                return failure;
            }

            if (form["grant_type"] != "client_credentials" || form["client_id"] != AppId || form["client_secret"] != AppPassword || form["scope"] != "https://api.botframework.com/.default")
            {
                return Results.Json(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." }, statusCode: 401);
            }

            var token = $"connector-token-{Guid.NewGuid():N}";
            _issuedTokens[token] = true;
            return Results.Json(new { token_type = "Bearer", expires_in = 3599, ext_expires_in = 3599, access_token = token });
        });

        app.MapPost("/connector/v3/conversations", async (HttpContext context) =>
        {
            var body = await ReadAsync(context);
            if (Refuse(context, out var refusal))
            {
                return refusal;
            }

            if (TryFail("create", context, out var failure))
            {
                return failure;
            }

            _calls.Enqueue(new ConnectorCall("create", null, null, body, context.Request.Headers.Authorization));
            var member = body["members"]?[0]?["id"]?.GetValue<string>();
            if (member is null || body["tenantId"] is null)
            {
                return Results.Json(new { error = new { code = "BadArgument", message = "members and tenantId are required" } }, statusCode: 400);
            }

            return Results.Json(new { id = $"a:dm-{member}" }, statusCode: 201);
        });

        app.MapPost("/connector/v3/conversations/{conversationId}/activities", async (HttpContext context, string conversationId) =>
            await ActivityAsync(context, "send", conversationId, null));
        app.MapPost("/connector/v3/conversations/{conversationId}/activities/{activityId}", async (HttpContext context, string conversationId, string activityId) =>
            await ActivityAsync(context, "reply", conversationId, activityId));
        app.MapPut("/connector/v3/conversations/{conversationId}/activities/{activityId}", async (HttpContext context, string conversationId, string activityId) =>
            await ActivityAsync(context, "update", conversationId, activityId));
    }

    private async Task<IResult> ActivityAsync(HttpContext context, string operation, string conversationId, string? activityId)
    {
        var body = await ReadAsync(context);
        if (Refuse(context, out var refusal))
        {
            return refusal;
        }

        if (TryFail(operation, context, out var failure))
        {
            return failure;
        }

        if (body["type"]?.GetValue<string>() != "message")
        {
            return Results.Json(new { error = new { code = "BadArgument", message = "Unknown activity type" } }, statusCode: 400);
        }

        // A sent activity is recorded with the id the connector gives it; a reply or update with the id it names.
        var id = operation == "send" ? Interlocked.Increment(ref _activityIds).ToString(System.Globalization.CultureInfo.InvariantCulture) : activityId!;
        _calls.Enqueue(new ConnectorCall(operation, conversationId, id, body, context.Request.Headers.Authorization));
        return operation == "update" ? Results.Json(new { id }) : Results.Json(new { id = operation == "send" ? id : $"{id}-reply" }, statusCode: 201);
    }

    private bool Refuse(HttpContext context, out IResult refusal)
    {
        refusal = Results.Json(new { message = "Authorization has been denied for this request." }, statusCode: 401);
        var header = context.Request.Headers.Authorization.ToString();
        return !(header.StartsWith("Bearer ", StringComparison.Ordinal) && _issuedTokens.ContainsKey(header["Bearer ".Length..]));
    }

    private static async Task<JsonObject> ReadAsync(HttpContext context) =>
        await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel needs the private key in a form it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
