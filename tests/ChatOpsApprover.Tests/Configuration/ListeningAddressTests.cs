using ChatOpsApprover.Configuration;
using Microsoft.Extensions.Configuration;

namespace ChatOpsApprover.Tests.Configuration;

/// <summary>Where on this machine the bot answers, read from the settings that choose its listening address.</summary>
public sealed class ListeningAddressTests
{
    private static Uri? Local(params (string Key, string Value)[] settings) =>
        ListeningAddress.Local(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void NothingConfigured_IsTheDefault() =>
        Assert.Equal(new Uri(ListeningAddress.Default), Local());

    [Theory]
    [InlineData("urls", "http://+:9000;https://+:9001", "http://127.0.0.1:9000/")]
    [InlineData("URLS", "https://*:9001;http://0.0.0.0:9000", "http://127.0.0.1:9000/")]
    [InlineData("urls", "http://[::]:9000", "http://127.0.0.1:9000/")]
    [InlineData("urls", "http://10.0.0.5:9000", "http://10.0.0.5:9000/")]
    [InlineData("urls", "https://localhost:9001", "https://localhost:9001/")]
    [InlineData("http_ports", "8080;8081", "http://127.0.0.1:8080/")]
    [InlineData("HTTPS_PORTS", "8443", "https://127.0.0.1:8443/")]
    public void AConfiguredAddress_IsAskedOnThisMachine(string key, string value, string expected) =>
        Assert.Equal(new Uri(expected), Local((key, value)));

    [Fact]
    public void KestrelEndpoints_OutrankUrls_WhichOutrankPorts()
    {
        Assert.Equal(new Uri("http://127.0.0.1:7000/"), Local(("Kestrel:Endpoints:Main:Url", "http://*:7000"), ("urls", "http://+:9000"), ("http_ports", "8080")));
        Assert.Equal(new Uri("http://127.0.0.1:9000/"), Local(("urls", "http://+:9000"), ("http_ports", "8080")));
    }

    [Fact]
    public void APortChosenAtStart_CannotBeAsked() =>
        Assert.Null(Local(("urls", "http://127.0.0.1:0")));

    [Fact]
    public void ForCallingItself_Port0_BecomesAFreePort_WrittenBackSoTheServerListensThere()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("urls", (string?)"https://0.0.0.0:8443;http://127.0.0.1:0")]).Build();
        var self = ListeningAddress.Self(configuration);
        Assert.NotEqual(0, self.Port);
        Assert.Equal(new Uri($"http://127.0.0.1:{self.Port}/"), self);
        Assert.Equal($"https://0.0.0.0:8443;http://127.0.0.1:{self.Port}", configuration["urls"]);
    }

    [Fact]
    public void ForCallingItself_NothingConfigured_IsTheDefault() =>
        Assert.Equal(new Uri(ListeningAddress.Default), ListeningAddress.Self(new ConfigurationBuilder().AddInMemoryCollection().Build()));
}
