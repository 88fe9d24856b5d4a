namespace ArbitrageEngine.Tests.Infrastructure;

/// <summary>The settings and waiting helper shared by tests that run the app on the simulated market.</summary>
public static class SimulatedApp
{
    /// <summary>Simulated market, 1 s evaluation ticks, 1 h of generated history, 30 min of warm-up.</summary>
    public static Dictionary<string, string> Settings() => new()
    {
        ["Market:Source"] = "Simulated",
        ["Market:EvalIntervalSeconds"] = "1",
        ["Market:Simulated:BackfillHours"] = "1",
        ["Market:WarmupHours"] = "0.5",
    };

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> after the timeout.</summary>
    public static async Task Until(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }
}
