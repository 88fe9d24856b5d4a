using System.Net;
using System.Text.Json;
using ArbitrageEngine.Tests.Infrastructure;

namespace ArbitrageEngine.Tests.Web.SystemStatus;

public sealed class HealthEndpointsTests(PostgresFixture postgres) : AppTest(postgres)
{
    // No source; one tick an hour, so the engine has not ticked yet during the test.
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string> { ["Market:EvalIntervalSeconds"] = "3600" };

    [Fact]
    public async Task Live_Anonymous_Returns200WithoutCheckingDependencies()
    {
        using var client = App.CreateClient();

        using var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_EngineBeforeFirstTick_503StartingWithEachCheckSeparately()
    {
        using var client = App.CreateClient();

        using var response = await client.GetAsync("/health/ready");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = json.RootElement.GetProperty("checks");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("starting", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("ready", checks.GetProperty("database").GetProperty("state").GetString());
        Assert.Equal("ready", checks.GetProperty("collectors").GetProperty("state").GetString());
        Assert.Equal("starting", checks.GetProperty("engine").GetProperty("state").GetString());
        Assert.Equal(-1, checks.GetProperty("engine").GetProperty("data").GetProperty("last_tick_age_ms").GetInt64());
    }

    [Fact]
    public async Task Health_ExistingEndpoint_UnchangedByReadiness()
    {
        using var client = App.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class HealthEndpointsTickingTests(PostgresFixture postgres) : AppTest(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string> { ["Market:EvalIntervalSeconds"] = "1" };

    [Fact]
    public async Task Ready_AfterFirstTick_200Ready()
    {
        using var client = App.CreateClient();
        HttpStatusCode status = default;
        string body = "";

        await SimulatedApp.Until(async () =>
        {
            using var response = await client.GetAsync("/health/ready");
            (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync());
            return status == HttpStatusCode.OK;
        }, "readiness after the first tick", 30);

        using var json = JsonDocument.Parse(body);
        Assert.Equal("ready", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("engine").GetProperty("status").GetString());
    }
}
