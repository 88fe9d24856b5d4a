using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ArbitrageEngine.Engine.Persistence.Local;
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
/// Run: scripts/pipeline-load.sh [--minutes 10] [--clients 100] [--rate-multiplier 4.2]
/// </summary>
public static class PipelineLoad
{
    private sealed record TickSample(long ReceivedMs, long CompletedMs, double DurationMs);

    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = Arg(args, "--minutes", 10.0);
        var clients = (int)Arg(args, "--clients", 100.0);
        var rateMultiplier = Arg(args, "--rate-multiplier", 4.2);
        var warmupSeconds = Arg(args, "--settle-seconds", 30.0);
        var webDll = args.SkipWhile(a => a != "--web").Skip(1).FirstOrDefault()
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../ArbitrageEngine.Web/bin/Release/net10.0/ArbitrageEngine.Web.dll"));
        if (!File.Exists(webDll))
        {
            Console.Error.WriteLine($"web app not built: {webDll} (dotnet build -c Release ArbitrageEngine.Web)");
            return 2;
        }

        var root = Path.Combine(Path.GetTempPath(), $"ae-pipeline-load-{Guid.NewGuid():N}");
        await using var pg = new LocalPostgres(new LocalPostgresOptions { DataDirectory = Path.Combine(root, "pg"), Port = 0, Database = "load" });
        var cs = await pg.StartAsync();
        var port = FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet", $"\"{webDll}\"")
        {
            WorkingDirectory = Path.GetDirectoryName(webDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Default"] = cs,
                ["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/'),
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Market__Source"] = "Simulated",
                ["Market__Simulated__RateMultiplier"] = rateMultiplier.ToString(CultureInfo.InvariantCulture),
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        var appLog = Path.Combine(Path.GetTempPath(), "ae-pipeline-load-app.log");
        await using var log = new StreamWriter(appLog) { AutoFlush = true };
        Console.WriteLine($"app log: {appLog}");
        using var app = Process.Start(start)!;
        app.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        app.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };
            var token = await IssueTokenAsync(cs);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Console.WriteLine($"app pid {app.Id} on {baseUrl}; waiting for the live phase");
            await WaitLiveAsync(http);
            // The simulated market first generates its 24 h of history (at this rate ~17 M trades) through the same
            // pipeline; measure only once that backfill has drained and the 24 h window is full (steady state).
            await WaitBackfillDrainedAsync(http);
            Console.WriteLine($"live and backfill drained; settling {warmupSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));

            var phaseLength = TimeSpan.FromMinutes(minutes / 2);
            var ticks = new List<TickSample>();
            await using var monitor = await ConnectAsync(baseUrl, token, ticks, null);
            var quiet = await MeasurePhaseAsync(app, http, ticks, phaseLength, "no_clients");

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
            var loaded = await MeasurePhaseAsync(app, http, ticks, phaseLength, $"{clients}_clients");
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
            return 0;
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill(entireProcessTree: true);
                await app.WaitForExitAsync();
            }

            await pg.StopAsync();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private sealed record PhaseResult(double TickP99);

    private static async Task<PhaseResult> MeasurePhaseAsync(Process app, HttpClient http, List<TickSample> ticks, TimeSpan length, string name)
    {
        int firstTick;
        lock (ticks)
        {
            firstTick = ticks.Count;
        }

        var (cpu0, wall0) = (CpuSeconds(app.Id), Stopwatch.GetTimestamp());
        var memory = new List<(double Minutes, double Mb)>();
        var rates = new List<double>();
        var end = DateTime.UtcNow + length;
        while (DateTime.UtcNow < end)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            memory.Add((Stopwatch.GetElapsedTime(wall0).TotalMinutes, RssMb(app.Id)));
            var metrics = await http.GetFromJsonAsync<JsonElement>("/api/metrics");
            rates.Add(metrics.GetProperty("trades_per_second").GetDouble());
        }

        var cpuPercent = (CpuSeconds(app.Id) - cpu0) / Stopwatch.GetElapsedTime(wall0).TotalSeconds * 100;
        double[] durations;
        lock (ticks)
        {
            durations = [.. ticks.Skip(firstTick).Select(t => t.DurationMs).Order()];
        }

        var p = $"phase_{name}_";
        Console.WriteLine(FormattableString.Invariant($"{p}minutes={length.TotalMinutes:F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}trades_per_s_per_symbol={rates.Average() / 4:F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}ticks={durations.Length}"));
        Console.WriteLine(FormattableString.Invariant($"{p}tick_ms_p50={Percentile(durations, 0.50):F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}tick_ms_p99={Percentile(durations, 0.99):F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}tick_ms_max={(durations.Length == 0 ? double.NaN : durations[^1]):F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}cpu_percent_of_one_core={cpuPercent:F1}"));
        Console.WriteLine(FormattableString.Invariant($"{p}rss_mb_start={memory[0].Mb:F0}"));
        Console.WriteLine(FormattableString.Invariant($"{p}rss_mb_end={memory[^1].Mb:F0}"));
        Console.WriteLine(FormattableString.Invariant($"{p}rss_slope_mb_per_min={Slope(memory):F2}"));
        return new PhaseResult(Percentile(durations, 0.99));
    }

    private static async Task<HubConnection> ConnectAsync(Uri baseUrl, string token, List<TickSample>? ticks, List<double>? latencies)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "hubs/market"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        hub.On<JsonElement>("evaluation", e =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var completed = e.GetProperty("completed_ms").GetInt64();
            if (ticks is not null)
            {
                lock (ticks)
                {
                    ticks.Add(new TickSample(now, completed, e.GetProperty("duration_ms").GetDouble()));
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

    /// <summary>Waits for the admin the app creates at first start and gives it an API token, straight in the database.</summary>
    internal static async Task<string> IssueTokenAsync(string cs)
    {
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var token = "ae_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            try
            {
                await using var cmd = dataSource.CreateCommand("""
                    INSERT INTO api_tokens (token_id, user_id, name, prefix, token_hash)
                    SELECT gen_random_uuid(), id, 'pipeline-load', left($1, 9), $2 FROM asp_net_users ORDER BY created_at LIMIT 1
                    """);
                cmd.Parameters.Add(new NpgsqlParameter { Value = token });
                cmd.Parameters.Add(new NpgsqlParameter { Value = SHA256.HashData(Encoding.UTF8.GetBytes(token)) });
                if (await cmd.ExecuteNonQueryAsync() == 1)
                {
                    return token;
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // Migrations still running.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the app never created its admin");
            }

            await Task.Delay(500);
        }
    }

    internal static async Task WaitLiveAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var market = await http.GetFromJsonAsync<JsonElement>("/api/market/latest");
                if (market.GetProperty("phase").GetString() == "Live" && market.GetProperty("last_tick_ms").GetInt64() > 0)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(1000);
        }

        throw new TimeoutException("the pipeline never went live");
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

    private static double Arg(string[] args, string name, double fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).DefaultIfEmpty(fallback).First();

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
