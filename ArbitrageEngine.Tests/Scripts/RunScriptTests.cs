using System.Diagnostics;
using ArbitrageEngine.Tests.Web.Localization;

namespace ArbitrageEngine.Tests.Scripts;

/// <summary>
/// run.sh against a fake <c>dotnet</c> (restore/publish print a line, the "app" waits for a signal): the steps show
/// from the first second, and SIGINT stops the app gracefully like SIGTERM does.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RunScriptTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ae-runsh-").FullName;

    public RunScriptTests()
    {
        File.Copy(Path.Combine(RepoFiles.Root, "run.sh"), Path.Combine(dir, "run.sh"));
        var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "dotnet"), """
            #!/usr/bin/env bash
            case "$1" in
              restore) echo "fake restore"; exit 0 ;;
              publish) while [[ $# -gt 0 ]]; do [[ "$1" == "-o" ]] && mkdir -p "$2"; shift; done; echo "fake publish"; exit 0 ;;
              *) trap 'echo "app: graceful stop"; exit 0' TERM
                 echo "app: listening"
                 while :; do sleep 0.1; done ;;
            esac
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(Path.Combine(bin, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private Process Start(List<string> output)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(dir, "run.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        psi.Environment["PATH"] = Path.Combine(dir, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["ConnectionStrings__Default"] = "Host=127.0.0.1;Port=1";
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:1";
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task WaitForAsync(List<string> output, string text)
    {
        for (var i = 0; i < 200; i++)
        {
            lock (output)
            {
                if (output.Any(l => l.Contains(text, StringComparison.Ordinal)))
                {
                    return;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"'{text}' not printed; output: {string.Join(" | ", output)}");
    }

    [Theory]
    [InlineData(2)] // SIGINT (Ctrl+C)
    [InlineData(15)] // SIGTERM
    public async Task RunSh_Signal_ShowsStepsThenStopsAppGracefully(int signal)
    {
        var output = new List<string>();
        using var process = Start(output);

        await WaitForAsync(output, "app: listening");
        Assert.Equal(0, Kill(process.Id, signal));
        var exited = process.WaitForExit(10_000);

        Assert.True(exited, "run.sh stops after the signal");
        await WaitForAsync(output, "app: graceful stop");
        Assert.Equal(0, process.ExitCode);
        lock (output)
        {
            Assert.StartsWith("[1/4]", output.First(l => l.Length > 0));
            Assert.Contains(output, l => l.StartsWith("[2/4]", StringComparison.Ordinal));
            Assert.Contains(output, l => l.StartsWith("[4/4]", StringComparison.Ordinal) && l.Contains("http://127.0.0.1:1", StringComparison.Ordinal));
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
