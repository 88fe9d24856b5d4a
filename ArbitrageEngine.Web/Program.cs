using ArbitrageEngine.Web.Cli;
using ArbitrageEngine.Web.Extensions;
using ArbitrageEngine.Web.Localization;

if (await CliHost.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddPersistence();
builder.AddAccounts();
builder.AddMarketPipeline();
builder.AddFunding();
builder.AddTradeArchive();
builder.AddSystemStatus();
builder.AddNotifications();
builder.AddBacktests();
builder.AddEvolve();
builder.AddWebUi();
builder.AddAppLocalization();

var app = builder.Build();
app.UseWebUi();
app.MapMarketHub();
app.UseSystemStatus();
app.MapBacktests();
app.MapEvolve();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can start the app with WebApplicationFactory.</summary>
public partial class Program;
