using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace ArbitrageEngine.Benchmarks.Live;

/// <summary>
/// Research work the pipeline load keeps running beside the live loop in its last two phases, through the app's own API
/// (issues: backtests, auto-evolve): saved backtests of every running strategy over the recorded hours, one after
/// another; and evolve dry-runs (their sweep is a backtest of every candidate). Each returns its figures as
/// name=value lines; a run still going when the phase ends is cancelled (backtest) or awaited (evolve has no cancel).
/// </summary>
public static class ResearchLoad
{
    /// <summary>App settings that let an evolve run sweep within the simulated market's 24 h history.</summary>
    public static IReadOnlyDictionary<string, string> EvolveSettings { get; } = new Dictionary<string, string>
    {
        ["Evolve__Enabled"] = "false",
        ["Evolve__TrainDays"] = "0.5",
        ["Evolve__TestDays"] = "0.25",
        ["Evolve__WarmupHours"] = "1",
        ["Evolve__MinClosedTrades"] = "0",
    };

    /// <summary>Backtests of the running strategies over the last recorded 20 h (1 h warm-up), until cancelled.</summary>
    public static async Task<IReadOnlyList<string>> BacktestsAsync(HttpClient http, CancellationToken stop)
    {
        var (runs, trades, seconds, strategies) = (0, 0L, 0.0, 0);
        Guid? current = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var now = DateTimeOffset.UtcNow;
                var spec = new Dictionary<string, object>
                {
                    ["from"] = now.AddHours(-21).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["to"] = now.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["strategies"] = "running",
                    ["warmup_hours"] = 1,
                };
                using var response = await http.PostAsJsonAsync("/api/backtests", spec, stop);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(stop);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"backtest refused ({(int)response.StatusCode}): {body}");
                }

                current = body.GetProperty("run_id").GetGuid();
                var run = await UntilAsync(http, $"/api/backtests/{current}", r => r.GetProperty("run"), r => r.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled", stop);
                current = null;
                if (run.GetProperty("status").GetString() != "succeeded")
                {
                    throw new InvalidOperationException($"backtest {run.GetProperty("run_id")} {run.GetProperty("status")}: {run.GetProperty("error")}");
                }

                runs++;
                trades += run.GetProperty("trades_replayed").GetInt64();
                seconds += run.GetProperty("duration_seconds").GetDouble();
                strategies = run.GetProperty("strategy_count").GetInt32();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            if (current is { } id)
            {
                using var cancel = await http.PostAsync($"/api/backtests/{id}/cancel", null, CancellationToken.None);
            }
        }

        return
        [
            $"backtest_runs={runs}",
            $"backtest_strategies={strategies}",
            FormattableString.Invariant($"backtest_trades_per_s={(seconds > 0 ? trades / seconds : double.NaN):F0}"),
        ];
    }

    /// <summary>Evolve dry-runs one after another until cancelled; the one running at the end is awaited.</summary>
    public static async Task<IReadOnlyList<string>> EvolveAsync(HttpClient http, CancellationToken stop)
    {
        var (runs, swept, seconds) = (0, 0, 0.0);
        while (!stop.IsCancellationRequested)
        {
            using var response = await http.PostAsJsonAsync("/api/evolve/runs", new { mode = "dry_run" }, CancellationToken.None);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"evolve refused ({(int)response.StatusCode}): {body}");
            }

            var id = body.GetProperty("run_id").GetGuid();
            var detail = await UntilAsync(http, $"/api/evolve/runs/{id}", d => d, d => d.GetProperty("run").GetProperty("status").GetString() is "succeeded" or "failed", CancellationToken.None);
            var run = detail.GetProperty("run");
            if (run.GetProperty("status").GetString() != "succeeded")
            {
                throw new InvalidOperationException($"evolve run {id} failed: {run.GetProperty("error")}");
            }

            runs++;
            seconds += (run.GetProperty("finished_at").GetDateTimeOffset() - run.GetProperty("started_at").GetDateTimeOffset()).TotalSeconds;
            if (detail.GetProperty("report").TryGetProperty("sweep", out var sweep) && sweep.ValueKind == JsonValueKind.Object)
            {
                swept = sweep.GetProperty("strategies").GetInt32();
            }
        }

        return
        [
            $"evolve_runs={runs}",
            $"evolve_sweep_strategies={swept}",
            FormattableString.Invariant($"evolve_run_s_mean={(runs > 0 ? seconds / runs : double.NaN):F1}"),
        ];
    }

    private static async Task<JsonElement> UntilAsync(HttpClient http, string url, Func<JsonElement, JsonElement> select, Func<JsonElement, bool> done, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var value = select(await http.GetFromJsonAsync<JsonElement>(url, ct));
            if (done(value))
            {
                return value;
            }
        }
    }
}
