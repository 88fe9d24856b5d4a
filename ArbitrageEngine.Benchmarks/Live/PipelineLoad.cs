using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace ArbitrageEngine.Benchmarks.Live;

/// <summary>
/// Load script for the live pipeline (issue: live engine). Runs the real web app as a child process (Release build)
/// on a throwaway PostgreSQL with the simulated market at ~50 trades/s per symbol and the 72 seeded strategies,
/// waits until the generated 24 h history has drained through the pipeline (the rolling window is then full, so
/// memory is in steady state), then measures.
/// Phase 1 (no clients) and phase 2 (N SignalR clients subscribed to everything) each measure: tick duration
/// (score + decide + persistence hand-off, from every tick's evaluation event), the app's CPU (utime+stime from
/// /proc, % of one core) and resident memory (least-squares slope in MB/min). Phase 2 also measures tick-to-client
/// latency (client receive time − tick completion time; same machine clock) over every evaluation message.
/// Phases 3 and 4 (no clients) measure the same while research runs beside the live loop through the API: saved
/// backtests of the running strategies one after another, then evolve dry-runs (see <see cref="ResearchLoad"/>).
/// Run: scripts/pipeline-load.sh [--minutes 10] [--clients 100] [--rate-multiplier 4.2] [--research-minutes 4]
/// [--research-phases backtest,evolve]
/// </summary>
public static class PipelineLoad
{
    private sealed record TickSample(long ReceivedMs, long TickMs, long CompletedMs, double DurationMs);

    private static int _disconnects;

    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = ChildApp.Arg(args, "--minutes", 10.0);
        var clients = (int)ChildApp.Arg(args, "--clients", 100.0);
        var rateMultiplier = ChildApp.Arg(args, "--rate-multiplier", 4.2);
        var warmupSeconds = ChildApp.Arg(args, "--settle-seconds", 30.0);
        var researchMinutes = ChildApp.Arg(args, "--research-minutes", 4.0);
        var researchPhases = (args.SkipWhile(a => a != "--research-phases").Skip(1).FirstOrDefault() ?? "backtest,evolve")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var webDll = args.SkipWhile(a => a != "--web").Skip(1).FirstOrDefault()
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../ArbitrageEngine.Web/bin/Release/net10.0/ArbitrageEngine.Web.dll"));
        if (!File.Exists(webDll))
        {
            Console.Error.WriteLine($"web app not built: {webDll} (dotnet build -c Release ArbitrageEngine.Web)");
            return 2;
        }

        var settings = new Dictionary<string, string>(ResearchLoad.EvolveSettings)
        {
            ["Market__Simulated__RateMultiplier"] = rateMultiplier.ToString(CultureInfo.InvariantCulture),
        };
        await using var child = await ChildApp.StartAsync("pipeline-load", webDll, settings, TimeSpan.FromSeconds(10));
        var (app, http, token, baseUrl) = (child.Process, child.Http, child.Token, child.BaseUrl);
        // The simulated market first generates its 24 h of history (at this rate ~17 M trades) through the same
        // pipeline; measure only once that backfill has drained and the 24 h window is full (steady state).
        await WaitBackfillDrainedAsync(http);
        Console.WriteLine($"live and backfill drained; settling {warmupSeconds} s");
        await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));

        var phaseLength = TimeSpan.FromMinutes(minutes / 2);
        var ticks = new List<TickSample>();
        await using var monitor = await ConnectAsync(baseUrl, token, ticks, null);
        var quiet = await MeasurePhaseAsync(child, ticks, phaseLength, "no_clients");

        var latencies = new List<double>();
        var hubs = new List<HubConnection>();
        var failures = 0;
        for (var i = 0; i < clients; i++)
        {
            try
            {
                hubs.Add(await ConnectAsync(baseUrl, token, null, latencies));
            }
            catch (HttpRequestException ex)
            {
                failures++;
                Console.Error.WriteLine($"client {i} failed to connect: {ex.Message}");
            }
        }

        Console.WriteLine($"{hubs.Count} SignalR clients connected, {failures} failed");
        var loaded = await MeasurePhaseAsync(child, ticks, phaseLength, $"{clients}_clients");
        double[] lat;
        lock (latencies)
        {
            lat = [.. latencies.Order()];
        }

        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }

        Console.WriteLine($"signalr_clients={hubs.Count}");
        Console.WriteLine($"signalr_connect_failures={failures}");
        Console.WriteLine($"signalr_messages={lat.Length}");
        Console.WriteLine(FormattableString.Invariant($"tick_to_client_ms_p50={Percentile(lat, 0.50):F1}"));
        Console.WriteLine(FormattableString.Invariant($"tick_to_client_ms_p99={Percentile(lat, 0.99):F1}"));
        Console.WriteLine(FormattableString.Invariant($"tick_to_client_ms_max={(lat.Length == 0 ? double.NaN : lat[^1]):F1}"));
        Console.WriteLine(FormattableString.Invariant($"tick_p99_change_with_clients_ms={loaded.TickP99 - quiet.TickP99:F1}"));

        if (researchMinutes > 0)
        {
            var research = TimeSpan.FromMinutes(researchMinutes);
            if (researchPhases.Contains("backtest"))
            {
                var backtest = await MeasurePhaseAsync(child, ticks, research, "backtest", stop => ResearchLoad.BacktestsAsync(http, stop));
                Console.WriteLine(FormattableString.Invariant($"tick_p99_change_with_backtest_ms={backtest.TickP99 - quiet.TickP99:F1}"));
            }

            if (researchPhases.Contains("evolve"))
            {
                Console.WriteLine($"seeded closed trades for {await ResearchLoad.SeedClosedTradesAsync(child.ConnectionString)} strategies (evolve parents)");
                var evolve = await MeasurePhaseAsync(child, ticks, research, "evolve", stop => ResearchLoad.EvolveAsync(http, stop));
                Console.WriteLine(FormattableString.Invariant($"tick_p99_change_with_evolve_ms={evolve.TickP99 - quiet.TickP99:F1}"));
            }
        }

        return 0;
    }

    private sealed record PhaseResult(double TickP99);

    /// <summary>
    /// Measures one phase; <paramref name="load"/>, when given, runs beside it and its figures are printed with the phase's.
    /// Besides tick durations it counts what became of every 15 s boundary of the phase: evaluated (the app's tick
    /// counter), skipped (engine_ticks rows with their reason) and seen by the monitor client, and how late after its
    /// boundary each seen tick completed (includes Market:TickGraceMs). <c>ticks</c> counts the ticks the monitor client
    /// received; <c>hub_disconnects</c>, how often its connection dropped (it reconnects).
    /// </summary>
    private static async Task<PhaseResult> MeasurePhaseAsync(
        ChildApp child, List<TickSample> ticks, TimeSpan length, string name, Func<CancellationToken, Task<IReadOnlyList<string>>>? load = null)
    {
        var (app, http) = (child.Process, child.Http);
        int firstTick;
        lock (ticks)
        {
            firstTick = ticks.Count;
        }

        var (cpu0, wall0) = (CpuSeconds(app.Id), Stopwatch.GetTimestamp());
        var startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var evaluated0 = (await http.GetFromJsonAsync<JsonElement>("/api/metrics")).GetProperty("ticks").GetInt64();
        var disconnects0 = Volatile.Read(ref _disconnects);
        var memory = new List<(double Minutes, double Mb)>();
        var rates = new List<double>();
        using var stopLoad = new CancellationTokenSource();
        var background = load?.Invoke(stopLoad.Token);
        var end = DateTime.UtcNow + length;
        while (DateTime.UtcNow < end)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            memory.Add((Stopwatch.GetElapsedTime(wall0).TotalMinutes, RssMb(app.Id)));
            var metrics = await http.GetFromJsonAsync<JsonElement>("/api/metrics");
            rates.Add(metrics.GetProperty("trades_per_second").GetDouble());
        }

        await stopLoad.CancelAsync();
        var loadFigures = background is null ? [] : await background;

        var cpuPercent = (CpuSeconds(app.Id) - cpu0) / Stopwatch.GetElapsedTime(wall0).TotalSeconds * 100;
        // Let the last boundary's tick (due 15 s + grace after it) and its journal row land before counting.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var endMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 2_000;
        var evaluated = (await http.GetFromJsonAsync<JsonElement>("/api/metrics")).GetProperty("ticks").GetInt64() - evaluated0;
        var skipped = await SkippedTicksAsync(child.ConnectionString, startMs, endMs);
        double[] durations;
        double[] late;
        lock (ticks)
        {
            var phase = ticks.Skip(firstTick).ToList();
            durations = [.. phase.Select(t => t.DurationMs).Order()];
            late = [.. phase.Select(t => (double)(t.CompletedMs - t.TickMs)).Order()];
        }

        var p = $"phase_{name}_";
        Console.WriteLine(FormattableString.Invariant($"{p}minutes={length.TotalMinutes:F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}trades_per_s_per_symbol={rates.Average() / 4:F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}ticks_due={(endMs / 15_000) - ((startMs - 1) / 15_000)}"));
        Console.WriteLine(FormattableString.Invariant($"{p}ticks_evaluated={evaluated}"));
        Console.WriteLine(FormattableString.Invariant($"{p}ticks_skipped={skipped.Values.Sum()}"));
        foreach (var (reason, count) in skipped)
        {
            Console.WriteLine(FormattableString.Invariant($"{p}ticks_skipped_{reason}={count}"));
        }

        Console.WriteLine(FormattableString.Invariant($"{p}ticks={durations.Length}"));
        Console.WriteLine(FormattableString.Invariant($"{p}hub_disconnects={Volatile.Read(ref _disconnects) - disconnects0}"));
        Console.WriteLine(FormattableString.Invariant($"{p}tick_ms_p50={Percentile(durations, 0.50):F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}tick_ms_p99={Percentile(durations, 0.99):F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}tick_ms_max={(durations.Length == 0 ? double.NaN : durations[^1]):F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}tick_done_after_boundary_ms_p50={Percentile(late, 0.50):F0}"));
        Console.WriteLine(FormattableString.Invariant($"{p}tick_done_after_boundary_ms_max={(late.Length == 0 ? double.NaN : late[^1]):F0}"));
        Console.WriteLine(FormattableString.Invariant($"{p}cpu_percent_of_one_core={cpuPercent:F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}rss_mb_start={memory[0].Mb:F0}"));
        Console.WriteLine(FormattableString.Invariant($"{p}rss_mb_end={memory[^1].Mb:F0}"));
        Console.WriteLine(FormattableString.Invariant($"{p}rss_slope_mb_per_min={Slope(memory):F2}"));
        foreach (var line in loadFigures)
        {
            Console.WriteLine(p + line);
        }

        return new PhaseResult(Percentile(durations, 0.99));
    }

    /// <summary>Skipped ticks of [from, to) by reason, from the live loop's journal.</summary>
    private static async Task<SortedDictionary<string, long>> SkippedTicksAsync(string connectionString, long fromMs, long toMs)
    {
        await using var data = NpgsqlDataSource.Create(connectionString);
        await using var cmd = data.CreateCommand(
            "SELECT skipped_reason, count(*) FROM engine_ticks WHERE evaluated = 0 AND skipped_reason IS NOT NULL AND tick_ms >= $1 AND tick_ms < $2 GROUP BY 1");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            result[r.GetString(0)] = r.GetInt64(1);
        }

        return result;
    }

    private static async Task<HubConnection> ConnectAsync(Uri baseUrl, string token, List<TickSample>? ticks, List<double>? latencies)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "hubs/market"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .WithAutomaticReconnect()
            .Build();
        // A dropped connection would read as missed ticks: count it, and subscribe again once reconnected.
        hub.Reconnecting += ex =>
        {
            Interlocked.Increment(ref _disconnects);
            Console.Error.WriteLine($"hub connection lost: {ex?.Message}");
            return Task.CompletedTask;
        };
        hub.Reconnected += _ => hub.InvokeAsync("SubscribeAll");
        hub.On<JsonElement>("evaluation", e =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var completed = e.GetProperty("completed_ms").GetInt64();
            if (ticks is not null)
            {
                lock (ticks)
                {
                    ticks.Add(new TickSample(now, e.GetProperty("tick_ms").GetInt64(), completed, e.GetProperty("duration_ms").GetDouble()));
                }
            }

            if (latencies is not null)
            {
                lock (latencies)
                {
                    latencies.Add(now - completed);
                }
            }
        });
        hub.On<JsonElement>("price", _ => { });
        hub.On<JsonElement>("position", _ => { });
        hub.On<JsonElement>("strategy", _ => { });
        await hub.StartAsync();
        await hub.InvokeAsync("SubscribeAll");
        return hub;
    }

    private static async Task WaitBackfillDrainedAsync(HttpClient http)
    {
        var quiet = 0;
        var deadline = DateTime.UtcNow.AddMinutes(45);
        while (quiet < 3)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the backfill never drained");
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            var m = await http.GetFromJsonAsync<JsonElement>("/api/metrics");
            var queues = m.GetProperty("queues");
            var rate = m.GetProperty("trades_per_second").GetDouble();
            var backlog = queues.EnumerateObject().Sum(q => q.Value.GetInt64());
            Console.WriteLine(FormattableString.Invariant($"  draining: {rate:F0} trades/s, queued {backlog}"));
            quiet = rate < 1_000 && backlog < 50_000 ? quiet + 1 : 0;
        }
    }

    /// <summary>utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15, clock ticks of 100 Hz).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static double RssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return double.NaN;
        }

        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / den;
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

}
