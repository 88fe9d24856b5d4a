using System.Globalization;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Evolve;
using ArbitrageEngine.Web.Hosting;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// <c>evolve [--apply] [--force] [--out-dir DIR]</c>: one auto-evolve run (evolve.md) for today's Beijing date, with the
/// app's configuration (Evolve, Market, Paper sections). Prints <c>report_md=PATH</c>, <c>report_json=PATH</c> and the
/// one-line summary; exit 0 on success, 1 when the run failed or was refused (stderr says why), 2 on bad arguments.
/// </summary>
public sealed class EvolveVerb(Func<CancellationToken, Task<CliDatabase>>? open = null, TextWriter? output = null, TextWriter? error = null) : ICliVerb
{
    private TextWriter Out => output ?? Console.Out;

    private TextWriter Err => error ?? Console.Error;

    public string Name => "evolve";

    public string Help =>
        "evolve [--apply] [--force] [--out-dir <DIR>]\n" +
        "  One auto-evolve run for today's Beijing date: fitness, regime, candidates proven on the last train + test days of\n" +
        "  the dataset, selection. Dry-run by default (only the report is stored); --apply creates and retires strategies\n" +
        "  (at most one apply per Beijing date; --force runs another). Writes the Markdown and JSON reports to --out-dir\n" +
        "  (default: the current directory) and prints report_md=PATH, report_json=PATH and a one-line summary.\n" +
        "  Strategies created here reach a running app's engine at its next session; apply from /evolve to apply at once.\n" +
        "  Uses ConnectionStrings__Default or the local cluster.";

    public async Task<int> RunAsync(CliArguments args)
    {
        if (args.Positional.Count > 0)
        {
            throw new CliException($"unexpected argument '{args.Positional[0]}'");
        }

        foreach (var flag in new[] { "apply", "force" })
        {
            if (args.Has(flag) && args.Optional(flag) is { } value)
            {
                throw new CliException($"--{flag} takes no value (got '{value}')");
            }
        }

        if (args.Has("force") && !args.Has("apply"))
        {
            throw new CliException("--force only applies with --apply");
        }

        var outDir = args.Optional("out-dir");
        if (args.Has("out-dir") && string.IsNullOrWhiteSpace(outDir))
        {
            throw new CliException("missing --out-dir <value>");
        }

        outDir = Path.GetFullPath(outDir ?? ".");
        if (!Directory.Exists(outDir))
        {
            throw new CliException($"--out-dir '{outDir}' does not exist");
        }

        try
        {
            await using var database = await (open ?? CliDatabase.OpenAsync)(CancellationToken.None);
            await using var services = BuildServices(database);
            var runner = services.GetRequiredService<EvolveRunner>();
            var mode = args.Has("apply") ? EvolveMode.Apply : EvolveMode.DryRun;
            var (run, refusal) = await runner.RunAsync(new EvolveRequest(mode, args.Has("force"), "cli", new AuditActor("cli", null, null, "cli")), CancellationToken.None);
            if (refusal is not null)
            {
                await Err.WriteLineAsync($"evolve: refused: {refusal.Reason}");
                return 1;
            }

            var store = services.GetRequiredService<EvolveStore>();
            var stem = string.Create(CultureInfo.InvariantCulture, $"evolve-{run!.BeijingDate:yyyyMMdd}-{run.RunId:N}");
            var md = Path.Combine(outDir, stem + ".md");
            var json = Path.Combine(outDir, stem + ".json");
            await File.WriteAllTextAsync(md, await store.ReportAsync(run.RunId, "md", CancellationToken.None) ?? "");
            await File.WriteAllTextAsync(json, await store.ReportAsync(run.RunId, "json", CancellationToken.None) ?? "");
            await Out.WriteLineAsync($"report_md={md}");
            await Out.WriteLineAsync($"report_json={json}");
            if (run.Status != "succeeded")
            {
                await Err.WriteLineAsync($"evolve: run {run.RunId} failed: {run.Error}");
                return 1;
            }

            await Out.WriteLineAsync($"run={run.RunId} {run.Summary}");
            return 0;
        }
        catch (NpgsqlException ex)
        {
            throw new CliException($"database error: {ex.Message}");
        }
    }

    /// <summary>The services of a run outside the web host: the same options sections, stores and runner as the app.</summary>
    public static ServiceProvider BuildServices(CliDatabase database)
    {
        var configuration = new ConfigurationBuilder()
            .AddConfiguration(database.Configuration)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = database.ConnectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        services.AddOptions<MarketOptions>().Bind(configuration.GetSection(MarketOptions.SectionName))
            .PostConfigure(o => o.Symbols = o.Symbols.Length == 0 ? MarketOptions.DefaultSymbols : [.. o.Symbols.Select(s => s.Trim().ToUpperInvariant()).Distinct()]);
        services.AddOptions<PaperOptions>().Bind(configuration.GetSection(PaperOptions.SectionName));
        services.AddOptions<EvolveOptions>().Bind(configuration.GetSection(EvolveOptions.SectionName)).ValidateDataAnnotations();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var endpoint = new DatabaseEndpoint(configuration);
            endpoint.SetReady(database.ConnectionString);
            return endpoint;
        });
        services.AddDbContext<ArbitrageDbContext>(o => ArbitrageDbContext.Configure(o, database.ConnectionString));
        services.AddSingleton<MarketDatabase>();
        services.AddScoped<AuditLog>();
        services.AddSingleton<EngineCommandQueue>();
        services.AddSingleton<EvolveStore>();
        services.AddSingleton<EvolveReads>();
        services.AddSingleton<EvolveBacktests>();
        services.AddSingleton<EvolveProgress>();
        services.AddSingleton<EvolveRunner>();
        services.AddScoped<EvolvePlanner>();
        services.AddScoped(sp => new EvolveApplier(sp.GetRequiredService<EvolveStore>(), sp.GetRequiredService<EngineCommandQueue>(), sp.GetRequiredService<TimeProvider>()));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
