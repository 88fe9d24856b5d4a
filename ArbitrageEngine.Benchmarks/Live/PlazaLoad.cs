using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace ArbitrageEngine.Benchmarks.Live;

/// <summary>
/// Plaza speed with many strategies (issue: browser UI, "first render ≤ 1 s with 1,000 strategies"). Runs the published
/// Release web app as a child process on a throwaway PostgreSQL with the simulated market (short backfill so it starts fast),
/// adds N strategies through <c>POST /api/strategies</c> (Bearer token written straight into <c>api_tokens</c>), logs
/// in with the machine's Chromium (/usr/bin/chromium) and measures, per run, from the start of the navigation to
/// <c>/plaza</c> (a full page load, new circuit) until the first <c>strategy-card</c> is visible and until the page is
/// interactive (the layout's <c>data-interactive=yes</c>); as a baseline, the same for the empty deprecated list (page load
/// and circuit start without cards). One warm-up run is not counted.
/// Run: scripts/plaza-load.sh [--strategies 1000] [--runs 5]
/// </summary>
public static class PlazaLoad
{
    private const string AdminPassword = "plaza-load-admin-1";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = (int)ChildApp.Arg(args, "--strategies", 1000);
        var runs = (int)ChildApp.Arg(args, "--runs", 5);
        var webDll = args.SkipWhile(a => a != "--web").Skip(1).FirstOrDefault()
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../artifacts/app/ArbitrageEngine.Web.dll"));
        if (!File.Exists(webDll))
        {
            // Published, not just built: in Production the app serves static assets (blazor.web.js) only from published output.
            Console.Error.WriteLine($"web app not published: {webDll} (dotnet publish ArbitrageEngine.Web -c Release -o artifacts/app)");
            return 2;
        }

        await using var child = await ChildApp.StartAsync("plaza-load", webDll, new Dictionary<string, string>
        {
            ["Seed__AdminPassword"] = AdminPassword,
            ["Market__Simulated__BackfillHours"] = "1",
            ["Market__WarmupHours"] = "0.5",
        }, TimeSpan.FromSeconds(30));
        var (http, baseUrl) = (child.Http, child.BaseUrl);
        var seeded = (await http.GetFromJsonAsync<JsonElement>("/api/strategies")).GetArrayLength();
        var created = Stopwatch.StartNew();
        await CreateStrategiesAsync(http, count);
        var total = (await http.GetFromJsonAsync<JsonElement>("/api/strategies")).GetArrayLength();
        Console.WriteLine(FormattableString.Invariant($"created {count} strategies in {created.Elapsed.TotalSeconds:F1} s; {total} on the plaza ({seeded} seeded)"));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        context.SetDefaultTimeout(60_000);
        await LoginAsync(context);

        var firstCard = new List<double>();
        var interactive = new List<double>();
        var baseline = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var page = await context.NewPageAsync();
            var watch = Stopwatch.StartNew();
            await page.GotoAsync("plaza", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.Locator("[data-testid=strategy-card]").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
            var cardMs = watch.Elapsed.TotalMilliseconds;
            await page.Locator("[data-testid=app-ready][data-interactive=yes]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            var interactiveMs = watch.Elapsed.TotalMilliseconds;
            var shown = await page.Locator("[data-testid=plaza-count]").InnerTextAsync();
            var cards = await page.Locator("[data-testid=strategy-card]").CountAsync();
            Console.WriteLine(FormattableString.Invariant(
                $"run {(run == 0 ? "warm-up" : run.ToString(CultureInfo.InvariantCulture))}: first card {cardMs:F0} ms, interactive {interactiveMs:F0} ms ({shown.Trim()}; {cards} cards in the DOM)"));
            if (run > 0)
            {
                firstCard.Add(cardMs);
                interactive.Add(interactiveMs);
            }

            await page.CloseAsync();

            // Baseline: the deprecated list (same page machinery, no strategies) shows the cost of page load and
            // circuit start alone.
            var empty = await context.NewPageAsync();
            watch.Restart();
            await empty.GotoAsync("plaza/deprecated", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await empty.Locator("[data-testid=app-ready][data-interactive=yes]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            await empty.Locator("[data-testid=plaza-empty]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
            Console.WriteLine(FormattableString.Invariant($"  baseline (empty deprecated list): interactive {watch.Elapsed.TotalMilliseconds:F0} ms"));
            if (run > 0)
            {
                baseline.Add(watch.Elapsed.TotalMilliseconds);
            }

            await empty.CloseAsync();
        }

        var n = count.ToString(CultureInfo.InvariantCulture);
        Console.WriteLine($"plaza_strategies={total}");
        Console.WriteLine($"plaza_runs={runs}");
        Console.WriteLine(FormattableString.Invariant($"plaza_{n}_first_card_ms_median={Median(firstCard):F0}"));
        Console.WriteLine(FormattableString.Invariant($"plaza_{n}_first_card_ms_max={firstCard.Max():F0}"));
        Console.WriteLine(FormattableString.Invariant($"plaza_{n}_interactive_ms_median={Median(interactive):F0}"));
        Console.WriteLine(FormattableString.Invariant($"plaza_{n}_interactive_ms_max={interactive.Max():F0}"));
        Console.WriteLine(FormattableString.Invariant($"plaza_empty_baseline_interactive_ms_median={Median(baseline):F0}"));
        return 0;
    }

    private static async Task CreateStrategiesAsync(HttpClient http, int count)
    {
        string[] symbols = ["BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT"];
        var next = -1;
        var workers = Enumerable.Range(0, 4).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var body = new
                {
                    display_name = $"load {i + 1:0000}",
                    symbol = symbols[i % symbols.Length],
                    entry_score = 60 + (i % 36),
                };
                using var response = await http.PostAsJsonAsync("/api/strategies", body);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"POST /api/strategies: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task LoginAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("account/login");
        await page.GetByTestId("login-username").FillAsync("admin");
        await page.GetByTestId("login-password").FillAsync(AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.Locator("[data-testid=app-ready][data-interactive=yes]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.CloseAsync();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

}
