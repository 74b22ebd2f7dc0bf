using ControlCenter.Access.Users;
using Microsoft.Extensions.Time.Testing;

namespace ControlCenter.Access.Tests;

public sealed class SignInTests
{
    [Fact]
    public void AUserSignsInWithTheirPasswordOnly()
    {
        var options = new AccessOptions { Mode = AuthMode.Local };
        options.Users["alice"] = new UserOptions { PasswordHash = PasswordHashing.Hash("wonderland"), Roles = ["operator", "support"] };
        var users = new LocalUsers(options);
        Assert.Equal(["operator", "support"], users.SignIn("alice", "wonderland"));
        Assert.Null(users.SignIn("alice", "Wonderland"));
        Assert.Null(users.SignIn("Alice", "wonderland")); // names are exact
        Assert.Null(users.SignIn("mallory", "wonderland"));
    }

    [Fact]
    public void FiveFailuresInAMinuteBlockTheClientUntilTheOldestAgesOut()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T10:00:00Z"));
        var throttle = new SignInThrottle(time);
        for (int i = 0; i < SignInThrottle.MaxFailures; i++)
        {
            Assert.Equal(TimeSpan.Zero, throttle.WaitFor("10.0.0.1"));
            throttle.Failed("10.0.0.1");
            time.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(TimeSpan.FromSeconds(10), throttle.WaitFor("10.0.0.1")); // first failure at 0 s, now 50 s
        Assert.Equal(TimeSpan.Zero, throttle.WaitFor("10.0.0.2"));          // per client
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, throttle.WaitFor("10.0.0.1"));
        throttle.Failed("10.0.0.1");
        Assert.NotEqual(TimeSpan.Zero, throttle.WaitFor("10.0.0.1"));
        throttle.Succeeded("10.0.0.1");
        Assert.Equal(TimeSpan.Zero, throttle.WaitFor("10.0.0.1"));
    }
}
