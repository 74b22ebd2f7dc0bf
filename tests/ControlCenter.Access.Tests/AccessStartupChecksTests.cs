namespace ControlCenter.Access.Tests;

public sealed class AccessStartupChecksTests
{
    [Theory]
    [InlineData("http://localhost:9021", true)]
    [InlineData("http://127.0.0.1:0", true)]
    [InlineData("http://127.8.0.1:80", true)]
    [InlineData("http://[::1]:9021", true)]
    [InlineData("https://LOCALHOST:443/", true)]
    [InlineData("http://0.0.0.0:9021", false)]
    [InlineData("http://*:9021", false)]
    [InlineData("http://+:80", false)]
    [InlineData("http://[::]:9021", false)]
    [InlineData("http://192.168.1.20:9021", false)]
    [InlineData("http://dashboard.example.com:9021", false)]
    public void LoopbackAddressesAreToldApart(string url, bool loopback) => Assert.Equal(loopback, AccessStartupChecks.IsLoopback(url));

    [Fact]
    public void AnAnonymousDashboardOnAReachableAddressIsRefusedUnlessAllowed()
    {
        var problems = AccessStartupChecks.Problems(new AccessOptions(), ["http://localhost:9021", "http://0.0.0.0:8082"]);
        var problem = Assert.Single(problems);
        Assert.Contains("Auth:Mode is None", problem);
        Assert.Contains("http://0.0.0.0:8082", problem);
        Assert.DoesNotContain("http://localhost:9021", problem);

        Assert.Empty(AccessStartupChecks.Problems(new AccessOptions(), ["http://localhost:9021", "http://127.0.0.1:8082"]));
        Assert.Empty(AccessStartupChecks.Problems(new AccessOptions { AllowAnonymous = true }, ["http://0.0.0.0:9021"]));
        var local = new AccessOptions { Mode = AuthMode.Local };
        local.Users["alice"] = new UserOptions { PasswordHash = Users.PasswordHashing.Hash("pw"), Roles = ["admin"] };
        Assert.Empty(AccessStartupChecks.Problems(local, ["http://0.0.0.0:9021"]));
    }
}
