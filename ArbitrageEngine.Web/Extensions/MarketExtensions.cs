using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Web.Extensions;

public static class MarketExtensions
{
    /// <summary>Market source (simulated by default, Binance with Market:Source=Binance), storage writers, engine loop.</summary>
    public static IHostApplicationBuilder AddMarketPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MarketOptions>()
            .BindConfiguration(MarketOptions.SectionName)
            .PostConfigure(o => o.Symbols = o.Symbols.Length == 0
                ? MarketOptions.DefaultSymbols
                : [.. o.Symbols.Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 0).Distinct()])
            .Validate(o => o.Symbols.All(s => s.All(char.IsAsciiLetterOrDigit)), "Market:Symbols must be letters and digits, e.g. BTCUSDT.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ArbitrageEngine.Engine.Market.Binance.BinanceOptions>().BindConfiguration($"{MarketOptions.SectionName}:Binance").ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ArbitrageEngine.Engine.Market.Binance.BinanceOptions>, BinanceOptionsValidation>();
        builder.Services.AddOptions<PaperOptions>().BindConfiguration(PaperOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MarketOptions>>().Value;
            return new MarketClock(sp.GetRequiredService<TimeProvider>(), o.TimeScale, o.TimeScaleOrigin);
        });
        builder.Services.AddSingleton<MarketDatabase>();
        builder.Services.AddSingleton<ArbitrageEngine.Web.Strategies.StrategyReads>();
        builder.Services.AddSingleton<ArbitrageEngine.Web.Market.MarketReads>();
        builder.Services.AddSingleton<MarketSourceFactory>();
        builder.Services.AddSingleton<LiveEngineState>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<PipelineMetrics>();
        builder.Services.AddSingleton<EngineCommandQueue>();
        builder.Services.AddSingleton<MarketPipelineService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MarketPipelineService>());
        builder.Services.AddHostedService<PartitionMaintenanceService>();
        builder.Services.AddHostedService<EvaluationRetentionService>();
        builder.Services.AddScoped<ArbitrageEngine.Web.Strategies.StrategyService>();
        builder.Services.AddScoped<ArbitrageEngine.Web.Strategies.StrategySummaryService>();
        builder.Services.AddHealthChecks().AddCheck<EngineHealthCheck>("engine");
        builder.Services.AddSingleton<ArbitrageEngine.Web.Live.LiveNotifier>();
        // Hub payloads use the same snake_case names as the JSON API.
        builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddHostedService<ArbitrageEngine.Web.Hubs.MarketHubBroadcaster>();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
        });
        return builder;
    }

    /// <summary>The SignalR hub for external clients, the JSON API and its OpenAPI document (/openapi/v1.json).</summary>
    public static WebApplication MapMarketHub(this WebApplication app)
    {
        // Connections end when their authentication expires (API tokens: 10 min), so revocations and bans take effect.
        app.MapHub<ArbitrageEngine.Web.Hubs.MarketHub>(ArbitrageEngine.Web.Hubs.MarketHub.Path, o => o.CloseOnAuthenticationExpiration = true);
        app.MapOpenApi().RequireAuthorization();
        ArbitrageEngine.Web.Api.StrategyEndpoints.MapApi(app);
        return app;
    }
}
