using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

/// <summary>The REST Proxy page in a real browser: its address, and the live consumer instances with delete.</summary>
public class RestProxyTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task ThePageShowsTheAddressAndLiveInstancesAndDeletesOne()
    {
        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/");
        await page.GetByTestId("nav-rest-proxy").ClickAsync();
        var address = page.GetByTestId("rest-proxy-url");
        await Expect(address).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^http://127\.0\.0\.1:\d+$"));
        string url = (await address.TextContentAsync())!.Trim();
        await Expect(page.GetByTestId("rest-consumers-empty")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("rest-proxy-example")).ToContainTextAsync($"{url}/consumers/my-group");

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var body = new StringContent("""{"name":"browser-visible","format":"json"}""", Encoding.UTF8);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("application/vnd.kafka.v2+json");
        Assert.True((await http.PostAsync("/consumers/e2e-rest-group", body, TestContext.Current.CancellationToken)).IsSuccessStatusCode);

        await Expect(page.GetByTestId("rest-consumer-name")).ToHaveTextAsync("browser-visible");
        await page.GetByTestId("rest-consumer-delete").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("rest-consumers-empty")).ToBeVisibleAsync();
        var gone = await http.GetAsync("/consumers/e2e-rest-group/instances/browser-visible/subscription", TestContext.Current.CancellationToken);
        Assert.Equal(404, (int)gone.StatusCode);
        Assert.Contains("40403", await gone.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
