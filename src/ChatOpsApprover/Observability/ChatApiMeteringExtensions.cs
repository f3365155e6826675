using ChatOpsApprover.Domain;

namespace ChatOpsApprover.Observability;

public static class ChatApiMeteringExtensions
{
    /// <summary>Counts each attempt of this chat client in jit_chat_api_calls_total; add it after the resilience handler.</summary>
    public static IHttpClientBuilder AddChatApiMetering(this IHttpClientBuilder client, ChatPlatform platform) =>
        client.AddHttpMessageHandler(sp => new ChatApiCallMetering(sp.GetRequiredService<JitMetrics>(), platform));
}
