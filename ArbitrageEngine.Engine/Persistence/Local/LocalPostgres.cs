using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Local;

/// <summary>
/// Creates (initdb), starts and stops a private PostgreSQL cluster from the machine's server binaries.
/// Listens on 127.0.0.1 only, with its unix socket inside the data directory. As root the server runs as
/// the <c>postgres</c> user (PostgreSQL refuses root); otherwise as the current user.
/// The superuser password is random and kept next to the data directory (<c>{data}.password</c>, mode 600).
/// </summary>
public sealed partial class LocalPostgres(LocalPostgresOptions options, ILogger<LocalPostgres>? logger = null) : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private readonly ILogger logger = logger ?? NullLogger<LocalPostgres>.Instance;
    private readonly Lock stopLock = new();
    private bool startedByUs;
    private Task? stopping;

    public string DataDirectory { get; } = Path.GetFullPath(options.DataDirectory);

    public int Port { get; private set; }

    public string? ConnectionString { get; private set; }

    public bool IsRunning => ConnectionString is not null;

    /// <summary>True when StartAsync found the cluster already running (e.g. the web app's) instead of starting it.</summary>
    public bool Adopted { get; private set; }

    private static bool IsRoot => Environment.UserName == "root";

    private string PasswordFile => DataDirectory.TrimEnd('/') + ".password";

    private string LogFile => Path.Combine(DataDirectory, "server.log");

    /// <summary>Finds the newest PostgreSQL server binaries, or null.</summary>
    public static string? FindBinDirectory(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "pg_ctl")) ? configured : null;
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(x => File.Exists(Path.Combine(x.Dir, "pg_ctl")) && File.Exists(Path.Combine(x.Dir, "initdb")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }

    /// <summary>Initialises the cluster when needed, starts it, creates the database and returns its connection string.</summary>
    public async Task<string> StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory(options.BinDirectory) ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install them (apt-get install -y postgresql), " +
            "set LocalPostgres:BinDirectory, or set ConnectionStrings:Default to use an existing server.");

        await EnsureInitializedAsync(bin, cancellationToken);
        var password = (await File.ReadAllTextAsync(PasswordFile, cancellationToken)).Trim();

        if (await IsServerRunningAsync(bin, cancellationToken) && ReadRunningPort() is { } runningPort)
        {
            Port = runningPort;
            startedByUs = true;
            Adopted = true;
            stopping = null;
            LogReusing(logger, DataDirectory, Port);
        }
        else
        {
            Port = ChoosePort(options.Port);
            var socketDir = DataDirectory;
            var serverOptions = $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories='{socketDir}' -c max_connections=200 -c max_wal_size=4GB -c shared_buffers=256MB";
            await RunAsync(Path.Combine(bin, "pg_ctl"),
                ["start", "-w", "-t", options.TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-D", DataDirectory, "-l", LogFile, "-o", serverOptions],
                asPostgres: true, cancellationToken);
            startedByUs = true;
            stopping = null;
            LogStarted(logger, DataDirectory, Port);
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Password = password,
            Database = "postgres",
            Pooling = false,
        };
        await EnsureDatabaseAsync(builder.ConnectionString, options.Database, cancellationToken);
        builder.Database = options.Database;
        builder.Pooling = true;
        ConnectionString = builder.ConnectionString;
        return ConnectionString;
    }

    /// <summary>Creates a database on this cluster (if missing) and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        var cs = new NpgsqlConnectionStringBuilder(ConnectionString ?? throw new InvalidOperationException("Not started.")) { Database = "postgres", Pooling = false };
        await EnsureDatabaseAsync(cs.ConnectionString, name, cancellationToken);
        cs.Database = name;
        cs.Pooling = true;
        return cs.ConnectionString;
    }

    /// <summary>
    /// Stops the server with <c>pg_ctl stop -m fast</c> if this instance started (or adopted) it. Concurrent and
    /// repeated calls all wait for the same stop.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (stopLock)
        {
            if (!startedByUs)
            {
                return stopping ?? Task.CompletedTask;
            }

            startedByUs = false;
            ConnectionString = null;
            return stopping = StopCoreAsync(cancellationToken);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        var bin = FindBinDirectory(options.BinDirectory);
        if (bin is null)
        {
            return;
        }

        await RunAsync(Path.Combine(bin, "pg_ctl"), ["stop", "-w", "-m", "fast", "-D", DataDirectory], asPostgres: true, cancellationToken);
        LogStopped(logger, DataDirectory);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task EnsureInitializedAsync(string bin, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            if (!File.Exists(PasswordFile))
            {
                throw new InvalidOperationException($"The cluster in {DataDirectory} exists but its password file {PasswordFile} is missing; delete the data directory to start afresh.");
            }

            return;
        }

        var parent = Path.GetDirectoryName(DataDirectory)!;
        Directory.CreateDirectory(parent);
        Directory.CreateDirectory(DataDirectory);
        SetMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await WriteSecretFileAsync(PasswordFile, password, cancellationToken);

        var initPasswordFile = Path.Combine(Path.GetTempPath(), $"pginit-{Guid.NewGuid():N}");
        await WriteSecretFileAsync(initPasswordFile, password, cancellationToken);
        try
        {
            if (IsRoot)
            {
                await MakeTraversableForPostgresAsync(parent, cancellationToken);
                await RunAsync("chown", ["-R", "postgres:postgres", DataDirectory], asPostgres: false, cancellationToken);
                await RunAsync("chown", ["postgres:postgres", initPasswordFile], asPostgres: false, cancellationToken);
            }

            await RunAsync(Path.Combine(bin, "initdb"),
                ["-D", DataDirectory, "-U", SuperUser, "-E", "UTF8", "--locale=C", "--auth-local=peer", "--auth-host=scram-sha-256", $"--pwfile={initPasswordFile}"],
                asPostgres: true, cancellationToken);
            LogInitialized(logger, DataDirectory);
        }
        finally
        {
            File.Delete(initPasswordFile);
        }
    }

    private static async Task MakeTraversableForPostgresAsync(string directory, CancellationToken cancellationToken)
    {
        // The postgres user must be able to reach the data directory: add o+x to ancestors that lack it.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var dir = directory; !string.IsNullOrEmpty(dir) && dir != "/"; dir = Path.GetDirectoryName(dir))
        {
            var mode = File.GetUnixFileMode(dir);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(dir, mode | UnixFileMode.OtherExecute);
            }
        }

        await Task.CompletedTask.WaitAsync(cancellationToken);
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private async Task<bool> IsServerRunningAsync(string bin, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return false;
        }

        var (exitCode, _) = await RunRawAsync(Path.Combine(bin, "pg_ctl"), ["status", "-D", DataDirectory], asPostgres: true, cancellationToken);
        return exitCode == 0;
    }

    private int? ReadRunningPort()
    {
        // postmaster.pid line 4 holds the port.
        var lines = File.ReadAllLines(Path.Combine(DataDirectory, "postmaster.pid"));
        return lines.Length > 3 && int.TryParse(lines[3], out var port) ? port : null;
    }

    private static int ChoosePort(int preferred)
    {
        if (preferred > 0 && IsPortFree(preferred))
        {
            return preferred;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task EnsureDatabaseAsync(string adminConnectionString, string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunRawAsync(file, arguments, asPostgres, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed with exit code {exitCode}: {output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunRawAsync(string file, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (asPostgres && IsRoot)
        {
            info.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", file])
            {
                info.ArgumentList.Add(a);
            }
        }
        else
        {
            info.FileName = file;
        }

        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        // The server started by pg_ctl may keep inherited pipes open: wait for exit first, then read briefly.
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        string output;
        try
        {
            output = string.Concat(await stdout.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken), await stderr.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken));
        }
        catch (TimeoutException)
        {
            output = "";
        }

        return (process.ExitCode, output.Trim());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Initialised local PostgreSQL cluster in {DataDirectory}")]
    private static partial void LogInitialized(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started local PostgreSQL ({DataDirectory}) on 127.0.0.1:{Port}")]
    private static partial void LogStarted(ILogger logger, string dataDirectory, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local PostgreSQL ({DataDirectory}) already running on 127.0.0.1:{Port}; reusing it")]
    private static partial void LogReusing(ILogger logger, string dataDirectory, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped local PostgreSQL ({DataDirectory})")]
    private static partial void LogStopped(ILogger logger, string dataDirectory);
}
