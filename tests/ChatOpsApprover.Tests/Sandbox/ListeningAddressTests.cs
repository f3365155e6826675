using ChatOpsApprover.Sandbox;
using Microsoft.Extensions.Configuration;

namespace ChatOpsApprover.Tests.Sandbox;

public sealed class ListeningAddressTests
{
    private static (Uri Address, string? Urls) Resolve(string? urls)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Urls"] = urls }).Build();
        return (ListeningAddress.Resolve(configuration), configuration["urls"]);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://*:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://[::]:8080", "http://[::1]:8080/")]
    [InlineData("http://jit.example.com:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://localhost:5080/", "http://localhost:5080/")]
    [InlineData("https://0.0.0.0:8443;http://0.0.0.0:8080", "http://127.0.0.1:8080/")]
    [InlineData(null, "http://localhost:5000/")]
    public void TheAddressThisProcessCallsItselfAt_ComesFromTheConfiguredUrls(string? urls, string expected)
    {
        Assert.Equal(new Uri(expected), Resolve(urls).Address);
    }

    [Fact]
    public void Port0_BecomesAFreePort_WrittenBackSoTheServerListensThere()
    {
        var (address, urls) = Resolve("http://127.0.0.1:0");
        Assert.NotEqual(0, address.Port);
        Assert.Equal($"http://127.0.0.1:{address.Port}", urls);
    }
}
