using ArbitrageEngine.Engine.Evolve;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Evolve;
using ArbitrageEngine.Web.SystemStatus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ArbitrageEngine.Tests.Web.Evolve;

/// <summary>The daily schedule against the real database: once per Beijing date across restarts, missed dates recorded.</summary>
public sealed class EvolveSchedulerTests(PostgresFixture postgres) : AppTest(postgres)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string> { ["Evolve:Enabled"] = "false" };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>A scheduler as a freshly started process would build it (its own runner), at 00:00 Beijing every day.</summary>
    private EvolveScheduler NewProcess()
    {
        var clock = new FixedClock(Now);
        var store = App.Services.GetRequiredService<EvolveStore>();
        var options = Microsoft.Extensions.Options.Options.Create(new EvolveOptions { ScheduleTime = new TimeOnly(0, 0), ScheduledMode = EvolveMode.DryRun });
        var runner = new EvolveRunner(App.Services.GetRequiredService<IServiceScopeFactory>(), store, new EvolveProgress(NullLogger<EvolveProgress>.Instance), clock, NullLogger<EvolveRunner>.Instance);
        return new EvolveScheduler(runner, store, options, clock, new JobRegistry(clock), NullLogger<EvolveScheduler>.Instance);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var data = NpgsqlDataSource.Create(App.ConnectionString);
        await using var cmd = data.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task RunDueAsync_TwoProcessesSameDate_OneRunAndMissedDatesRecordedOnce()
    {
        var today = BeijingTime.DateOf(Now);
        await using (var data = NpgsqlDataSource.Create(App.ConnectionString))
        {
            await using var cmd = data.CreateCommand("INSERT INTO evolve_schedule (beijing_date, status) VALUES ($1, 'done')");
            cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = today.AddDays(-3) });
            await cmd.ExecuteNonQueryAsync();
        }

        var first = await NewProcess().RunDueAsync(CancellationToken.None);
        Assert.NotNull(first);
        var restarted = await NewProcess().RunDueAsync(CancellationToken.None);
        Assert.Null(restarted);

        Assert.Equal(1, await CountAsync("SELECT count(*) FROM evolve_runs WHERE trigger = 'scheduled' AND status = 'succeeded'"));
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM evolve_runs WHERE status = 'missed'"));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM evolve_schedule WHERE beijing_date = '{today:yyyy-MM-dd}' AND status = 'done' AND run_id = '{first}'"));
        Assert.Equal(4, await CountAsync("SELECT count(*) FROM evolve_schedule"));
    }

    [Fact]
    public async Task RunDueAsync_FirstStartAfterTheTime_RecordsTodayMissedAndRunsNothing()
    {
        Assert.Null(await NewProcess().RunDueAsync(CancellationToken.None));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM evolve_runs WHERE status = 'missed'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM evolve_runs WHERE status <> 'missed'"));
    }
}
