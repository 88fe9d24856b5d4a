using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

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

    /// <summary>
    /// Evolve needs parents with closed trades in its look-back, and the freshly started market has closed none yet: this
    /// stores three closed trades (+1.5 R, −1 R, +0.8 R over the last hours) for every running strategy, with position
    /// ids far above the engine's so they never meet. The sweep itself then runs on the recorded market as always.
    /// </summary>
    public static async Task<int> SeedClosedTradesAsync(string connectionString)
    {
        await using var data = NpgsqlDataSource.Create(connectionString);
        var strategies = new List<(Guid Id, string Symbol)>();
        await using (var list = data.CreateCommand("SELECT strategy_id, symbol FROM strategies WHERE status = 'running' ORDER BY strategy_id"))
        await using (var r = await list.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                strategies.Add((r.GetGuid(0), r.GetString(1)));
            }
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = 9_000_000_000_000L;
        double[] pnl = [1.5, -1, 0.8];
        foreach (var (strategy, symbol) in strategies)
        {
            for (var i = 0; i < pnl.Length; i++)
            {
                var exit = now - ((i + 1) * 3_600_000L);
                await using var cmd = data.CreateCommand("""
                    INSERT INTO paper_trades (position_id, strategy_id, symbol, direction, score, tier, entry_price, entry_ts, exit_price, exit_ts, tp1, tp2, sl, stop,
                        status, pnl_r, gross_r, fee_r, pnl_usdt, risk_usd, atr, rd, tp1_ratio, tp2_ratio, timeout_minutes, fee_rate, factors, strategy_snapshot)
                    VALUES ($1, $2, $3, 'LONG', 80, 'standard', 100, $4, $5, $6, 101, 102, 99, 99, $7, $8, $8, 0, $9, 100, 1, 1, 1, 2, 240, 0.0005, '{}', '{}')
                    """);
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id++ });
                cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = strategy });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = exit - 1_800_000 });
                cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = 100 + pnl[i] });
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = exit });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = pnl[i] > 0 ? "tp" : "sl" });
                cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = pnl[i] });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (decimal)(pnl[i] * 100), NpgsqlDbType = NpgsqlDbType.Numeric });
                await cmd.ExecuteNonQueryAsync();
            }
        }

        return strategies.Count;
    }

    /// <summary>Evolve dry-runs one after another until cancelled; the one running at the end is awaited.</summary>
    public static async Task<IReadOnlyList<string>> EvolveAsync(HttpClient http, CancellationToken stop)
    {
        var (runs, swept, seconds) = (0, 0, 0.0);
        var notes = new SortedSet<string>(StringComparer.Ordinal);
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
            var report = detail.GetProperty("report");
            if (report.TryGetProperty("sweep", out var sweep) && sweep.ValueKind == JsonValueKind.Object)
            {
                swept = sweep.GetProperty("strategies").GetInt32();
            }

            foreach (var symbol in report.GetProperty("symbols").EnumerateArray())
            {
                if (symbol.TryGetProperty("note", out var note) && note.ValueKind == JsonValueKind.String)
                {
                    notes.Add($"{symbol.GetProperty("symbol").GetString()}: {note.GetString()}");
                }
            }
        }

        return
        [
            $"evolve_runs={runs}",
            $"evolve_sweep_strategies={swept}",
            FormattableString.Invariant($"evolve_run_s_mean={(runs > 0 ? seconds / runs : double.NaN):F1}"),
            .. notes.Select(n => "evolve_note=" + n),
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
