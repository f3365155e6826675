namespace ChatOpsApprover.Chat;

/// <summary>
/// Reads an inbound chat request's raw body, up to a limit, before anything in it is used: signatures and tokens are
/// checked over these exact bytes, and an oversized body is refused without being held in memory.
/// </summary>
public static class InboundBody
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/> (by its Content-Length or as read).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext context, int maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own limit for the endpoint (BodyLimits) stopped the read first.
            return null;
        }

        return buffer.ToArray();
    }
}
