using ControlCenter.Access;
using ControlCenter.Access.Users;

namespace ControlCenter.Access.Tests;

public sealed class AccessPolicyTests
{
    private static AccessPolicy Policy(Action<AccessOptions>? configure = null)
    {
        var options = new AccessOptions { Mode = AuthMode.Local };
        options.Users["alice"] = new UserOptions { PasswordHash = PasswordHashing.Hash("pw"), Roles = ["viewer"] };
        configure?.Invoke(options);
        return new AccessPolicy(options);
    }

    [Theory]
    [InlineData("viewer", AccessAction.View, ResourceKind.Topic, true)]
    [InlineData("viewer", AccessAction.MessagesRead, ResourceKind.Topic, false)] // no record contents
    [InlineData("viewer", AccessAction.GroupReset, ResourceKind.Group, false)]
    [InlineData("operator", AccessAction.MessagesRead, ResourceKind.Topic, true)]
    [InlineData("operator", AccessAction.MessagesExport, ResourceKind.Topic, true)]
    [InlineData("operator", AccessAction.MessagesProduce, ResourceKind.Topic, true)]
    [InlineData("operator", AccessAction.TopicCreate, ResourceKind.Topic, true)]
    [InlineData("operator", AccessAction.GroupReset, ResourceKind.Group, true)]
    [InlineData("operator", AccessAction.TopicDelete, ResourceKind.Topic, false)]
    [InlineData("operator", AccessAction.TopicEdit, ResourceKind.Topic, false)]
    [InlineData("operator", AccessAction.SchemaWrite, ResourceKind.Subject, false)]
    [InlineData("operator", AccessAction.ClusterAdmin, ResourceKind.Cluster, false)]
    [InlineData("admin", AccessAction.TopicDelete, ResourceKind.Topic, true)]
    [InlineData("admin", AccessAction.SchemaWrite, ResourceKind.Subject, true)]
    [InlineData("admin", AccessAction.ClusterAdmin, ResourceKind.Cluster, true)]
    public void BuiltInRolesGrantWhatTheyPromise(string role, AccessAction action, ResourceKind kind, bool allowed) =>
        Assert.Equal(allowed, Policy().Allows([role], action, kind, "orders"));

    [Fact]
    public void ACustomRoleGrantsItsActionsOnMatchingNamesOnly()
    {
        var policy = Policy(o =>
        {
            o.Roles["payments"] = new RoleOptions
            {
                Rules = [new RuleOptions { Resource = "topic", Pattern = "payments-*", Actions = ["view", "messages:read"] },
                         new RuleOptions { Resource = "Group", Pattern = "billing-?", Actions = ["group:reset"] }],
            };
            o.Users["bob"] = new UserOptions { PasswordHash = PasswordHashing.Hash("x"), Roles = ["payments"] };
        });
        Assert.Empty(policy.Problems);
        Assert.True(policy.Allows(["payments"], AccessAction.MessagesRead, ResourceKind.Topic, "payments-eu"));
        Assert.False(policy.Allows(["payments"], AccessAction.MessagesRead, ResourceKind.Topic, "orders"));
        Assert.False(policy.Allows(["payments"], AccessAction.MessagesRead, ResourceKind.Topic, "old-payments-eu")); // the whole name must match
        Assert.False(policy.Allows(["payments"], AccessAction.MessagesProduce, ResourceKind.Topic, "payments-eu"));
        Assert.True(policy.Allows(["payments"], AccessAction.GroupReset, ResourceKind.Group, "billing-1"));
        Assert.False(policy.Allows(["payments"], AccessAction.GroupReset, ResourceKind.Group, "billing-12"));
        Assert.False(policy.Allows(["payments"], AccessAction.View, ResourceKind.Group, "billing-1")); // a rule grants only its actions
        // Roles add up.
        Assert.True(policy.Allows(["payments", "viewer"], AccessAction.View, ResourceKind.Group, "billing-1"));
    }

    [Fact]
    public void ReadOnlyTurnsEveryMutationOffForAdminsToo()
    {
        var policy = Policy(o => o.ReadOnly = true);
        foreach (var action in Enum.GetValues<AccessAction>())
        {
            var decision = policy.Decide(["admin"], action, ResourceKind.Topic, "orders");
            Assert.Equal(!action.IsMutation(), decision.Allowed);
            if (!decision.Allowed) Assert.Contains("read-only", decision.Reason);
        }
    }

    [Fact]
    public void ARefusalSaysWhoCannotDoWhatWhere()
    {
        var decision = Policy().Decide(["viewer"], AccessAction.MessagesRead, ResourceKind.Topic, "orders");
        Assert.False(decision.Allowed);
        Assert.Equal("Your role viewer does not allow messages:read on topic 'orders'.", decision.Reason);
        Assert.False(Policy().Allows([], AccessAction.View, ResourceKind.Topic, "orders"));
    }

    [Fact]
    public void ConfigurationMistakesAreAllListedWithTheirSetting()
    {
        var policy = Policy(o =>
        {
            o.Roles["admin"] = new RoleOptions();
            o.Roles["broken"] = new RoleOptions
            {
                Rules = [new RuleOptions { Resource = "queue", Actions = ["view"] },
                         new RuleOptions { Resource = "topic", Actions = ["messages:delete"] },
                         new RuleOptions { Resource = "topic", Pattern = " ", Actions = ["view"] }],
            };
            o.Users["carol"] = new UserOptions { Roles = ["auditor"] };
        });
        Assert.Contains(policy.Problems, p => p.StartsWith("Auth:Roles:admin:", StringComparison.Ordinal) && p.Contains("built-in"));
        Assert.Contains(policy.Problems, p => p.StartsWith("Auth:Roles:broken:Rules:0:Resource 'queue'", StringComparison.Ordinal));
        Assert.Contains(policy.Problems, p => p.StartsWith("Auth:Roles:broken:Rules:1:Actions 'messages:delete'", StringComparison.Ordinal));
        Assert.Contains(policy.Problems, p => p.StartsWith("Auth:Roles:broken:Rules:2:Pattern is empty", StringComparison.Ordinal));
        Assert.Contains(policy.Problems, p => p.StartsWith("Auth:Users:carol:Roles names 'auditor'", StringComparison.Ordinal));
        Assert.Contains(policy.Problems, p => p.StartsWith("Auth:Users:carol:PasswordHash is missing", StringComparison.Ordinal));
        Assert.Equal(6, policy.Problems.Count);

        Assert.Contains(new AccessPolicy(new AccessOptions { Mode = AuthMode.Local }).Problems, p => p.Contains("names nobody"));
        Assert.Contains(new AccessPolicy(new AccessOptions { Mode = AuthMode.Oidc }).Problems, p => p.Contains("Auth:Oidc:Authority"));
        Assert.Empty(new AccessPolicy(new AccessOptions()).Problems); // Mode=None needs nothing
    }

    [Fact]
    public void MaskingExemptionComesFromAdminOrAnExemptRole()
    {
        var policy = Policy(o => o.Roles["support"] = new RoleOptions { MaskingExempt = true });
        Assert.True(policy.MaskingExempt(["admin"]));
        Assert.True(policy.MaskingExempt(["viewer", "support"]));
        Assert.False(policy.MaskingExempt(["operator"]));
    }

    [Fact]
    public void PasswordsVerifyAgainstTheirHashOnly()
    {
        string hash = PasswordHashing.Hash("correct horse");
        Assert.NotEqual(hash, PasswordHashing.Hash("correct horse")); // salted
        Assert.True(PasswordHashing.Verify(hash, "correct horse"));
        Assert.False(PasswordHashing.Verify(hash, "correct hors"));
        Assert.False(PasswordHashing.Verify("not-a-hash", "correct horse"));
    }
}

public sealed class OidcRoleMapTests
{
    [Fact]
    public void ClaimValuesAreMappedOrTakenAsRoleNamesAndTheRestIgnored()
    {
        var oidc = new OidcOptions { RoleMap = { ["kafka-ops"] = "operator", ["sre"] = "admin" } };
        string[] known = ["viewer", "operator", "admin", "team"];
        Assert.Equal(["operator", "team"], oidc.Roles(["kafka-ops", "team", "everyone", "kafka-ops"], known));
        Assert.Equal(["admin"], oidc.Roles(["sre"], known));
        Assert.Empty(oidc.Roles(["everyone"], known));
    }
}
