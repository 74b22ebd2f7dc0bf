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
}
