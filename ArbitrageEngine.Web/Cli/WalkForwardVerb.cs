using System.Globalization;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Persistence.Market;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// <c>walkforward [options]</c> (spec/cli.md, backtest.md §7): the grid replayed once over the range
/// (<see cref="WalkForwardRunner"/>), best combination per train window by the auto-evolve fitness, judged on the
/// following test window. One line per window, then an overall line; progress on stderr.
/// </summary>
public sealed class WalkForwardVerb(Func<CancellationToken, Task<CliDatabase>>? open = null, TextWriter? output = null, TextWriter? errors = null) : ICliVerb
{
    private TextWriter Out => output ?? Console.Out;

    private TextWriter Err => errors ?? Console.Error;

    public string Name => "walkforward";

    public string Help =>
        "walkforward --grid grid.json --from <ISO-8601 UTC> --to <ISO-8601 UTC> [--train-days 7] [--test-days 2] [--step-days 2]\n" +
        "            [--dataset NAME] [--warmup-hours 24] [--fee F] [--risk R] [--be-buffer ATR]\n" +
        "  Rolling windows over [from, to): on each train window the grid's best combination by the auto-evolve fitness\n" +
        "  (evolve.md §2, trades by exit time), then that combination on the following test window. The grid runs once over\n" +
        "  the whole range, each combination as if alone (the global position cap is lifted). Prints per window:\n" +
        "  'window=N train_from=… train_to=… test_from=… test_to=… chosen=\"field=value …\" is_fitness=… oos_fitness=…\n" +
        "  is_net_r=… net_r=… win_rate=… trades=…', then 'windows=N oos_net_r=… is_r_per_day=… oos_r_per_day=…\n" +
        "  oos_is_ratio=… seconds=…' (ratio '-' when the in-sample edge is not positive). Exit 2 on bad input.";

    public async Task<int> RunAsync(CliArguments args)
    {
        args.Required("grid");
        if (args.Has("strategies") || args.Has("params"))
        {
            throw new CliException("walkforward runs a grid: --strategies and --params are not used (give --grid)");
        }

        var input = BacktestCli.ReadInput(args);
        var settings = new WalkForwardSettings
        {
            TrainMs = Days(args, "train-days", 7),
            TestMs = Days(args, "test-days", 2),
            StepMs = Days(args, "step-days", 2),
        };

        using var interrupt = new BacktestCli.CtrlC();
        try
        {
            await using var database = await (open ?? CliDatabase.OpenAsync)(CancellationToken.None);
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var (context, _, plan) = await BacktestCli.PlanAsync(database, dataSource, input.Spec);
            var request = plan.Request!;
            if (WalkForward.Windows(request.FromMs, request.ToMs, settings).Count == 0)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"[--from, --to) is shorter than one window ({settings.TrainMs / 86_400_000.0} train + {settings.TestMs / 86_400_000.0} test days)"));
            }

            var progress = new CliProgress(Err);
            var result = await new WalkForwardRunner(BacktestCli.Runner(context, dataSource, request)).RunAsync(request, plan.GridLabels, settings, progress, interrupt.Token);
            progress.Done();
            if (result.Backtest.Cancelled)
            {
                await Err.WriteLineAsync("interrupted: no walk-forward report from a partial run");
                return 1;
            }

            foreach (var w in result.Report.Windows)
            {
                await Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"window={w.Window.Index + 1} train_from={Iso(w.Window.TrainFromMs)} train_to={Iso(w.Window.TrainToMs)} test_from={Iso(w.Window.TestFromMs)} test_to={Iso(w.Window.TestToMs)} chosen=\"{w.ChosenLabel}\" is_fitness={w.InSampleFitness:0.####} oos_fitness={w.OutOfSampleFitness:0.####} is_net_r={w.InSampleNetR:0.####} net_r={w.NetR:0.####} win_rate={w.WinRate:0.####} trades={w.Trades}"));
            }

            var r = result.Report;
            var ratio = r.OutOfSampleToInSampleRatio is { } x ? x.ToString("0.####", CultureInfo.InvariantCulture) : "-";
            await Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"windows={r.Windows.Count} oos_net_r={r.OutOfSampleNetR:0.####} is_r_per_day={r.InSampleRPerDay:0.####} oos_r_per_day={r.OutOfSampleRPerDay:0.####} oos_is_ratio={ratio} seconds={result.Backtest.Seconds:0.00}"));
            return 0;
        }
        catch (ReplayRangeException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (NpgsqlException ex)
        {
            throw new CliException($"database error: {ex.Message}");
        }
    }

    private static long Days(CliArguments args, string name, double fallback)
    {
        var text = args.Optional(name);
        if (!args.Has(name))
        {
            return (long)(fallback * 86_400_000);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && d <= 365
            ? (long)(d * 86_400_000)
            : throw new CliException($"--{name} '{text}' must be a number of days between 0 and 365");
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
