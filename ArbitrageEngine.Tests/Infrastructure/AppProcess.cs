using System.Diagnostics;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace ArbitrageEngine.Tests.Infrastructure;

/// <summary>The built app as a separate process on a given database (for SIGKILL tests), its stderr in the test output.</summary>
public static class AppProcess
{
    public static Process Start(string connectionString, ITestOutputHelper output, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ArbitrageEngine.Web.dll");
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Default"] = connectionString,
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Seed__AdminPassword"] = TestApp.AdminPassword,
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        foreach (var (key, value) in settings ?? SimulatedApp.Settings())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                try
                {
                    output.WriteLine("app: " + e.Data);
                }
                catch (InvalidOperationException)
                {
                    // The test already finished.
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>SIGKILL: nothing is flushed.</summary>
    public static async Task KillAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
