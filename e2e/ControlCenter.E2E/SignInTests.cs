using Confluent.Kafka;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

public sealed class SignInFixture : AppFixture
{
    protected override (string Key, string Value)[] Settings =>
    [
        ("Auth__Mode", "Local"),
        ("Auth__Users__alice__PasswordHash", ControlCenter.Access.Users.PasswordHashing.Hash("wonderland")),
        ("Auth__Users__alice__Roles__0", "operator"),
        ("Auth__Users__vera__PasswordHash", ControlCenter.Access.Users.PasswordHashing.Hash("viewer pass")),
        ("Auth__Users__vera__Roles__0", "viewer"),
        ("Auth__Users__ada__PasswordHash", ControlCenter.Access.Users.PasswordHashing.Hash("admin pass")),
        ("Auth__Users__ada__Roles__0", "admin"),
        ("Masking__Rules__0__Topics", "e2e-masked"),
        ("Masking__Rules__0__JsonPaths__0", "$.card"),
    ];
}

/// <summary>Auth:Mode=Local in a real browser: the dashboard asks for a sign-in, and signing out ends the session.</summary>
public class SignInTests(SignInFixture fixture) : IClassFixture<SignInFixture>
{
    [Fact]
    public async Task AStrangerIsSentToSignInAndComesBackToThePageAskedFor()
    {
        var context = await fixture.Browser.Instance.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(ControlCenter.Testing.Browser.ConditionTimeoutMs);
        await page.GotoAsync($"{fixture.App.BaseUrl}/topics");
        await Ui.WaitForUrlAsync(page, "**/login?ReturnUrl=%2Ftopics");

        await page.GetByTestId("login-user").FillAsync("alice");
        await page.GetByTestId("login-password").FillAsync("not her password");
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToHaveTextAsync("Unknown user or wrong password.");

        await page.GetByTestId("login-user").FillAsync("alice");
        await page.GetByTestId("login-password").FillAsync("wonderland");
        await page.GetByTestId("login-submit").ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/topics");
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("alice");

        await page.GetByTestId("sign-out").ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/login");
        await page.GotoAsync($"{fixture.App.BaseUrl}/topics");
        await Ui.WaitForUrlAsync(page, "**/login?ReturnUrl=%2Ftopics"); // the session is gone
    }

    private async Task<IPage> SignInAsync(string user, string password, string path)
    {
        var context = await fixture.Browser.Instance.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(ControlCenter.Testing.Browser.ConditionTimeoutMs);
        await page.GotoAsync($"{fixture.App.BaseUrl}/login?ReturnUrl={Uri.EscapeDataString(path)}");
        await page.GetByTestId("login-user").FillAsync(user);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await Ui.WaitForUrlAsync(page, "**" + path);
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(page);
        return page;
    }

    [Fact]
    public async Task EachRoleSeesWhatItMayDoAndNoMore()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "e2e-roles", NumPartitions = 1, ReplicationFactor = 1 }]);
        using (var producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
            await producer.ProduceAsync("e2e-roles", new Message<string?, string> { Value = "secret-salary-figure" }, TestContext.Current.CancellationToken);

        // viewer: the topic and its partitions, no record contents, no changes.
        var viewer = await SignInAsync("vera", "viewer pass", "/topics/e2e-roles");
        await Expect(viewer.GetByTestId("signed-in-roles")).ToHaveTextAsync("(viewer)");
        await Expect(viewer.GetByTestId("topic-title")).ToHaveTextAsync("e2e-roles");
        await Ui.OpenTabAsync(viewer, "Messages");
        await Expect(viewer.GetByTestId("access-refused")).ToContainTextAsync("does not allow messages:read on topic 'e2e-roles'");
        await Expect(viewer.GetByText("secret-salary-figure")).ToHaveCountAsync(0);
        await Ui.OpenTabAsync(viewer, "Produce");
        await Expect(viewer.GetByTestId("access-refused")).ToContainTextAsync("messages:produce");
        await viewer.GetByTestId("topic-actions").ClickAsync();
        await Expect(viewer.GetByTestId("action-none")).ToBeVisibleAsync();
        await Expect(viewer.GetByTestId("action-delete")).ToHaveCountAsync(0);
        await viewer.Keyboard.PressAsync("Escape");
        await viewer.GotoAsync($"{fixture.App.BaseUrl}/topics");
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(viewer);
        await Expect(viewer.GetByText("e2e-roles")).ToBeVisibleAsync();
        await Expect(viewer.GetByTestId("create-topic")).ToHaveCountAsync(0);
        await viewer.Context.CloseAsync();

        // operator: reads records and may produce, but may not delete the topic.
        var op = await SignInAsync("alice", "wonderland", "/topics/e2e-roles?tab=messages");
        await Expect(op.GetByText("secret-salary-figure").First).ToBeVisibleAsync();
        await Ui.OpenTabAsync(op, "Produce");
        await Expect(op.GetByTestId("produce-key")).ToBeVisibleAsync();
        await Expect(op.GetByTestId("access-refused")).ToHaveCountAsync(0);
        await op.GetByTestId("topic-actions").ClickAsync();
        await Expect(op.GetByTestId("action-clone")).ToBeVisibleAsync();
        await Expect(op.GetByTestId("action-delete")).ToHaveCountAsync(0);
        await op.Context.CloseAsync();

        // admin: everything, deleting included.
        var admin2 = await SignInAsync("ada", "admin pass", "/topics/e2e-roles");
        await admin2.GetByTestId("topic-actions").ClickAsync();
        await Expect(admin2.GetByTestId("action-delete")).ToBeVisibleAsync();
        await admin2.Context.CloseAsync();
    }

    [Fact]
    public async Task TheDashboardWorksUnderItsContentSecurityPolicy()
    {
        var admin = await SignInAsync("ada", "admin pass", "/");
        var violations = new List<string>();
        admin.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text); };
        foreach (string path in new[] { "/topics", "/groups", "/brokers", "/schemas", "/rest-proxy" })
        {
            await admin.GotoAsync(fixture.App.BaseUrl + path);
            await ControlCenter.Testing.Browser.WaitInteractiveAsync(admin);
        }
        await admin.GetByTestId("theme-toggle").ClickAsync(); // an event over the live connection and a call into the app's script
        await Expect(admin.Locator("[data-theme=dark]")).ToBeAttachedAsync();
        Assert.Empty(violations);
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task AnAdminSeesOnTheAuditPageWhoReadWhat()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "e2e-audited", NumPartitions = 1, ReplicationFactor = 1 }]);

        var op = await SignInAsync("alice", "wonderland", "/topics/e2e-audited?tab=messages");
        await Expect(op.GetByTestId("browse-newer")).ToBeVisibleAsync(); // the tab read the topic
        await Expect(op.GetByTestId("nav-audit")).ToHaveCountAsync(0);
        await op.GotoAsync($"{fixture.App.BaseUrl}/audit");
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(op);
        await Expect(op.GetByTestId("access-refused")).ToContainTextAsync("cluster:admin");
        await op.Context.CloseAsync();

        var ada = await SignInAsync("ada", "admin pass", "/");
        await ada.GetByTestId("nav-audit").ClickAsync();
        await Ui.WaitForUrlAsync(ada, "**/audit");
        await Ui.FillAsync(ada, "audit-user", "alice");
        await Ui.FillAsync(ada, "audit-target", "e2e-audited");
        await ada.GetByTestId("audit-apply").ClickAsync();
        var row = ada.GetByTestId("audit-table").Locator("tbody tr").First;
        await Expect(row.GetByTestId("audit-row-action")).ToHaveTextAsync("messages:read");
        await Expect(row.GetByTestId("audit-row-target")).ToHaveTextAsync("topic:e2e-audited");
        await Expect(row.GetByTestId("audit-row-user")).ToHaveTextAsync("alice");
        await ada.Context.CloseAsync();
    }

    [Fact]
    public async Task AnOperatorBrowsesAndSearchesMaskedRecordsAnAdminSeesThemWhole()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "e2e-masked", NumPartitions = 1, ReplicationFactor = 1 }]);
        using (var producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
            await producer.ProduceAsync("e2e-masked", new Message<string?, string> { Value = "{\"card\":\"5500-0000-0000-0004\",\"shop\":\"Corner\"}" }, TestContext.Current.CancellationToken);

        var op = await SignInAsync("alice", "wonderland", "/topics/e2e-masked?tab=messages");
        await Expect(op.GetByText("Corner").First).ToBeVisibleAsync();
        await Expect(op.GetByText("5500-0000-0000-0004")).ToHaveCountAsync(0);
        await Expect(op.GetByText("****").First).ToBeVisibleAsync();
        await op.GetByTestId("messages-mode").Locator(".mud-toggle-item", new() { HasText = "Search" }).ClickAsync();
        await Ui.FillAsync(op, "filter-pattern", "5500");
        await op.GetByTestId("search-run").ClickAsync();
        await Expect(op.GetByTestId("search-stop")).ToHaveTextAsync("scanned the whole range");
        await Expect(op.GetByTestId("search-matches")).ToHaveTextAsync("0");
        await op.Context.CloseAsync();

        var ada = await SignInAsync("ada", "admin pass", "/topics/e2e-masked?tab=messages");
        await Expect(ada.GetByText("5500-0000-0000-0004").First).ToBeVisibleAsync();
        await ada.Context.CloseAsync();
    }
}
