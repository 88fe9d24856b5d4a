using ArbitrageEngine.Tests.Engine.Market.Binance;
using ArbitrageEngine.Web.SystemStatus;

namespace ArbitrageEngine.Tests.Web.SystemStatus;

public class JobRegistryTests
{
    [Fact]
    public async Task RunAsync_SuccessThenFailure_LastRunNextRunAndLastErrorKept()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var jobs = new JobRegistry(clock);
        jobs.Register("retention", "deletes old rows", TimeSpan.FromHours(6));
        var registered = Assert.Single(jobs.Snapshot());

        await jobs.RunAsync("retention", () => Task.FromResult<string?>("deleted 3"));
        var started = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var ok = Assert.Single(jobs.Snapshot());
        clock.Advance(TimeSpan.FromHours(6));
        await Assert.ThrowsAsync<InvalidOperationException>(() => jobs.RunAsync("retention", () => throw new InvalidOperationException("db down")));
        var failed = Assert.Single(jobs.Snapshot());

        Assert.Null(registered.LastStartMs);
        Assert.Equal((true, "deleted 3", started + 21_600_000L), (ok.LastSucceeded!.Value, ok.LastResult!, ok.NextRunMs!.Value));
        Assert.False(failed.LastSucceeded);
        Assert.Equal("InvalidOperationException: db down", failed.LastError);
        Assert.Equal((2, 1), (failed.Runs, failed.Failures));
    }
}
