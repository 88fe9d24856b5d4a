using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ArbitrageEngine.Engine.Persistence.Local;
using Npgsql;

namespace ArbitrageEngine.Benchmarks.Live;

/// <summary>
/// The web app as a child process for the load programs: its own throwaway PostgreSQL, a free loopback port, the
/// app's output in a log file, an API token written straight into <c>api_tokens</c> for the admin the app creates,
/// and an <see cref="HttpClient"/> using it. Disposing kills the app and removes the cluster.
/// </summary>
public sealed class ChildApp : IAsyncDisposable
{
    private readonly LocalPostgres _postgres;
    private readonly string _root;
    private readonly StreamWriter _log;

    private ChildApp(LocalPostgres postgres, string root, string connectionString, Uri baseUrl, Process process, StreamWriter log, string logPath)
    {
        _postgres = postgres;
        _root = root;
        _log = log;
        ConnectionString = connectionString;
        BaseUrl = baseUrl;
        Process = process;
        LogPath = logPath;
    }

    public string ConnectionString { get; }

    public Uri BaseUrl { get; }

    public Process Process { get; }

    public string LogPath { get; }

    public HttpClient Http { get; private set; } = default!;

    public string Token { get; private set; } = "";

    /// <summary>Starts the app with <paramref name="settings"/> (environment-variable names) and waits until its pipeline is live.</summary>
    public static async Task<ChildApp> StartAsync(string name, string webDll, IReadOnlyDictionary<string, string> settings, TimeSpan httpTimeout)
    {
        var root = Path.Combine(Path.GetTempPath(), $"ae-{name}-{Guid.NewGuid():N}");
        var postgres = new LocalPostgres(new LocalPostgresOptions { DataDirectory = Path.Combine(root, "pg"), Port = 0, Database = "load" });
        var cs = await postgres.StartAsync();
        var baseUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
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
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var logPath = Path.Combine(Path.GetTempPath(), $"ae-{name}-app.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new ChildApp(postgres, root, cs, baseUrl, process, log, logPath);
        Console.WriteLine($"app pid {process.Id} on {baseUrl} (log {logPath}); waiting for the live phase");
        app.Token = await IssueTokenAsync(cs);
        app.Http = new HttpClient { BaseAddress = baseUrl, Timeout = httpTimeout };
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Token);
        await app.WaitLiveAsync();
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
        await _postgres.DisposeAsync();
        lock (_log)
        {
            _log.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Reads <c>--name value</c> from the command line.</summary>
    public static double Arg(string[] args, string name, double fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).DefaultIfEmpty(fallback).First();

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }

    /// <summary>Waits for the admin the app creates at first start and gives it an API token, straight in the database.</summary>
    private static async Task<string> IssueTokenAsync(string cs)
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
                    SELECT gen_random_uuid(), id, 'load-program', left($1, 9), $2 FROM asp_net_users ORDER BY created_at LIMIT 1
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

    private async Task WaitLiveAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var market = await Http.GetFromJsonAsync<JsonElement>("/api/market/latest");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
