namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// The web executable doubles as the command-line tool (spec/cli.md). With no verb the web app runs.
/// Every verb: --help, exit 0 on success, non-zero with a one-line reason on stderr on failure.
/// </summary>
public static class CliHost
{
    private static readonly Dictionary<string, ICliVerb> Verbs = new ICliVerb[]
    {
        new ConformanceVerb(),
        new PerfVerb(),
        new ImportVerb(),
        new DatasetsVerb(),
        new ArchiveVerb(),
        new ImportFundingVerb(),
        new FundingStatsVerb(),
        new BacktestVerb(),
        new WalkForwardVerb(),
        new EvolveVerb(),
        new RebuildBarsVerb(),
    }.ToDictionary(v => v.Name, StringComparer.Ordinal);

    /// <summary>Runs a CLI verb when <paramref name="args"/> starts with one; returns null when the web app should start.</summary>
    public static async Task<int?> TryRunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-') || args[0].Contains('='))
        {
            if (args is ["--help"] or ["-h"] or ["--", "help"] or ["--", "--help"])
            {
                await Console.Out.WriteLineAsync(Usage());
                return 0;
            }

            return null;
        }

        // "help" / "help <verb>" (what `dotnet run -- help` passes) answer like --help instead of "unknown verb".
        if (args[0] == "help")
        {
            await Console.Out.WriteLineAsync(args.Length > 1 && Verbs.TryGetValue(args[1], out var helped) ? helped.Help : Usage());
            return 0;
        }

        if (!Verbs.TryGetValue(args[0], out var verb))
        {
            await Console.Error.WriteLineAsync($"unknown verb '{args[0]}'. {Usage()}");
            return 2;
        }

        var rest = args[1..];
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            await Console.Out.WriteLineAsync(verb.Help);
            return 0;
        }

        try
        {
            return await verb.RunAsync(CliArguments.Parse(rest));
        }
        catch (CliException ex)
        {
            await Console.Error.WriteLineAsync($"{verb.Name}: {ex.Message}");
            return 2;
        }
    }

    private static string Usage() =>
        "usage: ArbitrageEngine.Web [<verb> [options]]; verbs: " + string.Join(", ", Verbs.Keys) + " (each with --help). No verb runs the web app.";
}

/// <summary>A command-line verb.</summary>
public interface ICliVerb
{
    string Name { get; }

    string Help { get; }

    Task<int> RunAsync(CliArguments args);
}

/// <summary>A bad argument or input: printed as one line on stderr, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>Parsed <c>--name value</c> options, <c>--flag</c> switches and positional arguments.</summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var result = new CliArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var name = a[2..];
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    result._options[name[..eq]] = name[(eq + 1)..];
                }
                else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    result._options[name] = args[++i];
                }
                else
                {
                    result._options[name] = null;
                }
            }
            else
            {
                result.Positional.Add(a);
            }
        }

        return result;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string Required(string name) =>
        _options.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : throw new CliException($"missing --{name} <value>");

    public string? Optional(string name) => _options.GetValueOrDefault(name);
}
