using ArbitrageEngine.Tests.Fakes;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ArbitrageEngine.Tests.E2E;

public sealed class NotificationFlowTests(PostgresFixture postgres) : BrowserTest(postgres)
{
    /// <summary>MudBlazor puts data-testid on the input itself or on its wrapper, depending on the component.</summary>
    private static ILocator Input(IPage page, string id) => page.Locator($"input[data-testid={id}], [data-testid={id}] input").First;

    private static ILocator Input(ILocator scope, string id) => scope.Locator($"input[data-testid={id}], [data-testid={id}] input").First;

    [Fact]
    public async Task Admin_ConfiguresWebhookSendsTest_SeesDeliveryAndSubscribes()
    {
        await using var receiver = await FakeHttpReceiver.StartAsync();
        var secretUrl = receiver.BaseUrl + "/hooks/e2e-secret-path";
        var page = await NewPageAsync();
        await LoginAsync(page, TestApp.AdminUserName, TestApp.AdminPassword);
        await page.GetByTestId("nav-admin-notifications").ClickAsync();
        await WaitForInteractiveAsync(page);

        // A bad URL is refused on its field and nothing is added.
        await Input(page, "channel-name").FillAsync("ops-hook");
        await Input(page, "channel-secret").FillAsync("not a url");
        await page.GetByTestId("channel-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("error-Secret")).ToContainTextAsync("absolute http(s) URL");
        await Assertions.Expect(page.GetByTestId("channel-empty")).ToBeVisibleAsync();

        await Input(page, "channel-secret").FillAsync(secretUrl);
        await page.GetByTestId("channel-save").ClickAsync();
        var row = page.Locator("[data-testid=channel-row][data-channel=ops-hook]");
        await Assertions.Expect(row.GetByTestId("channel-hint")).ToHaveTextAsync("••••path");
        Assert.DoesNotContain("e2e-secret-path", await page.ContentAsync(), StringComparison.Ordinal);

        await row.GetByTestId("channel-test").ClickAsync();
        var delivery = page.Locator("[data-testid=delivery-row][data-channel=ops-hook]");
        await Assertions.Expect(delivery).ToHaveAttributeAsync("data-status", "delivered");
        await Assertions.Expect(delivery).ToContainTextAsync("Test notification for ops-hook");
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/hooks/e2e-secret-path", request.Path);
        Assert.Contains("\"kind\":\"test\"", request.Body, StringComparison.Ordinal);
        await MaybeScreenshotAsync(page, "admin-notifications");

        await page.GetByTestId("nav-notifications").ClickAsync();
        await WaitForInteractiveAsync(page);
        var channel = page.Locator("[data-testid=subscription-channel][data-channel=ops-hook]");
        await Input(channel, "subscribe-funding_signal").CheckAsync();
        await page.GetByTestId("subscriptions-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("subscriptions-saved")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await WaitForInteractiveAsync(page);
        await Assertions.Expect(Input(page.Locator("[data-testid=subscription-channel][data-channel=ops-hook]"), "subscribe-funding_signal")).ToBeCheckedAsync();
    }
}
