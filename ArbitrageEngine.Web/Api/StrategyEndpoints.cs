using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Strategies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ArbitrageEngine.Web.Api;

/// <summary>
/// JSON API (minimal APIs, authenticated like the pages): strategies and their actions, summaries, paper
/// statistics, live evaluations and market state. Errors are RFC 7807 problem details; validation errors carry
/// one entry per field.
/// </summary>
public static class StrategyEndpoints
{
    public sealed record BalanceRequest(decimal Amount);

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("api");
        var strategies = api.MapGroup("/strategies");

        strategies.MapGet("/", async (StrategyService service, bool? includeDeprecated, CancellationToken ct) =>
            (await service.ListAsync(includeDeprecated ?? false, ct)).Select(StrategyDto.From));

        strategies.MapGet("/summaries", async (StrategySummaryService summaries, bool? deprecated, CancellationToken ct) =>
            (await summaries.ListAsync(deprecated ?? false, ct)).Select(StrategySummaryDto.From));

        strategies.MapGet("/{id:guid}", async Task<Results<Ok<StrategyDto>, NotFound>> (Guid id, StrategyService service, CancellationToken ct) =>
            await service.FindAsync(id, ct) is { } s ? TypedResults.Ok(StrategyDto.From(s)) : TypedResults.NotFound());

        strategies.MapPost("/", async Task<Results<Created<StrategyDto>, ValidationProblem>> (StrategyInput input, StrategyService service, HttpContext http, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var draft = input.ApplyTo(StrategyDefinition.CreateDefault(input.Symbol ?? "BTCUSDT"), errors);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            var result = await service.CreateAsync(draft, Actor(http), ct);
            return result.Succeeded
                ? TypedResults.Created($"/api/strategies/{result.Value!.StrategyId}", StrategyDto.From(result.Value))
                : TypedResults.ValidationProblem(Errors(result.Status));
        });

        strategies.MapPut("/{id:guid}", async Task<Results<Ok<StrategyDto>, ValidationProblem, NotFound>> (Guid id, StrategyInput input, StrategyService service, HttpContext http, CancellationToken ct) =>
        {
            if (await service.FindAsync(id, ct) is not { } current)
            {
                return TypedResults.NotFound();
            }

            var errors = new Dictionary<string, string[]>();
            var draft = input.ApplyTo(current, errors);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            return Respond(await service.UpdateAsync(id, draft, Actor(http), ct));
        });

        strategies.MapPost("/{id:guid}/pause", async (Guid id, StrategyService s, HttpContext http, CancellationToken ct) => Respond(await s.PauseAsync(id, Actor(http), ct)));
        strategies.MapPost("/{id:guid}/resume", async (Guid id, StrategyService s, HttpContext http, CancellationToken ct) => Respond(await s.ResumeAsync(id, Actor(http), ct)));
        strategies.MapPost("/{id:guid}/restore", async (Guid id, StrategyService s, HttpContext http, CancellationToken ct) => Respond(await s.RestoreAsync(id, Actor(http), ct)));
        strategies.MapPost("/{id:guid}/deprecate", async (Guid id, bool? confirm, StrategyService s, HttpContext http, CancellationToken ct) =>
            Respond(await s.DeprecateAsync(id, confirm ?? false, Actor(http), ct)));
        strategies.MapPost("/{id:guid}/balance", async (Guid id, BalanceRequest body, StrategyService s, HttpContext http, CancellationToken ct) =>
            Respond(await s.AddBalanceAsync(id, body.Amount, Actor(http), ct)));

        strategies.MapGet("/{id:guid}/stats", async (Guid id, MarketDatabase db, TimeProvider clock, CancellationToken ct) =>
        {
            var store = await db.PaperAsync(ct);
            return PaperStatistics.Compute(await store.ClosedTradesAsync(id, ct), clock.GetUtcNow().ToUnixTimeMilliseconds());
        });

        strategies.MapGet("/{id:guid}/evaluations", async Task<Results<Ok<IReadOnlyList<EvaluationRow>>, ValidationProblem>> (Guid id, long? before, int? limit, bool? signals, bool? blocked, string? gate, MarketDatabase db, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            CheckText(errors, "gate", gate);
            return errors.Count > 0
                ? TypedResults.ValidationProblem(errors)
                : TypedResults.Ok(await new PaperQueries(await db.DataSourceAsync(ct)).EvaluationsAsync(id, new EvaluationFilter(before, limit ?? 50, signals ?? false, blocked ?? false, gate), ct));
        });

        strategies.MapGet("/{id:guid}/trades", async Task<Results<Ok<IReadOnlyList<TradeRow>>, ValidationProblem>> (Guid id, int? page, int? size, string? status, MarketDatabase db, CancellationToken ct) =>
        {
            // page × size must stay a valid row offset: bounded pages, never an overflow at the database.
            var errors = new Dictionary<string, string[]>();
            CheckText(errors, "status", status);
            CheckRange(errors, "page", page, 1, MaxTradePage);
            return errors.Count > 0
                ? TypedResults.ValidationProblem(errors)
                : TypedResults.Ok(await new PaperQueries(await db.DataSourceAsync(ct)).TradesAsync(id, page ?? 1, size ?? 50, status, ct));
        });

        strategies.MapGet("/{id:guid}/equity", async (Guid id, MarketDatabase db, CancellationToken ct) =>
            PaperQueries.Equity(await (await db.PaperAsync(ct)).ClosedTradesAsync(id, ct)));

        strategies.MapGet("/{id:guid}/positions", (Guid id, LiveEngineState live) => live.OpenPositions.Where(p => p.StrategyId == id).Select(PositionDto.From));

        strategies.MapGet("/{id:guid}/evaluations/latest", Results<Ok<object>, NotFound> (Guid id, LiveEngineState live) =>
            live.LatestResults.TryGetValue(id, out var r) ? TypedResults.Ok<object>(r) : TypedResults.NotFound());

        api.MapGet("/metrics", (PipelineMetrics metrics) => metrics.Snapshot())
            .RequireAuthorization(p => p.RequireRole(ArbitrageEngine.Web.Persistence.Entities.Roles.Admin)); // process figures: admins only

        api.MapGet("/positions", (LiveEngineState live) => live.OpenPositions.Select(PositionDto.From));

        api.MapGet("/market/latest", (LiveEngineState live) => new
        {
            prices = live.LastPrices,
            snapshots = live.Snapshots,
            phase = live.Phase.ToString(),
            last_tick_ms = live.LastTickMs,
        });

        return app;
    }

    /// <summary>A plaza card as the API shows it.</summary>
    public sealed record StrategySummaryDto(StrategyDto Strategy, string DisplayStatus, DateTimeOffset CreatedAt, DateTimeOffset? DeprecatedAt,
        int TradeCount, double WinRate, double NetR, double NetUsdt, double AvgWinR, double AvgLossR, double PnlR24h, double PnlUsdt24h,
        int OpenPositions, long? LastTradeMs, long? LastEvaluationMs)
    {
        public static StrategySummaryDto From(StrategySummary s) => new(StrategyDto.From(s.Strategy), s.DisplayStatus, s.CreatedAt, s.DeprecatedAt,
            s.Trades.TradeCount, s.Trades.WinRate, s.Trades.NetR, s.Trades.NetUsdt, s.Trades.AvgWinR, s.Trades.AvgLossR, s.Trades.PnlR24h, s.Trades.PnlUsdt24h,
            s.OpenPositions, s.LastTradeMs, s.LastEvaluationMs);
    }

    /// <summary>A position as the API shows it.</summary>
    public sealed record PositionDto(long PositionId, Guid StrategyId, string Symbol, string Direction, string Status, string Tier, double Entry, long EntryTimeMs,
        double Sl, double Tp1, double Tp2, double Stop, bool Tp1Hit, double RiskUsd)
    {
        public static PositionDto From(PositionSnapshot p) => new(p.PositionId, p.StrategyId, p.Symbol, p.Direction.Name(), p.Status.Name(), p.Tier,
            p.Entry, p.EntryTimeMs, p.Sl, p.Tp1, p.Tp2, p.Stop, p.Tp1Hit, p.RiskUsd);
    }

    private static Results<Ok<StrategyDto>, ValidationProblem, NotFound> Respond(OperationResult<StrategyDefinition> result)
    {
        if (result.Succeeded)
        {
            return TypedResults.Ok(StrategyDto.From(result.Value!));
        }

        return result.Status.ErrorFor("") == "Strategy not found." ? TypedResults.NotFound() : TypedResults.ValidationProblem(Errors(result.Status));
    }

    private const int MaxTradePage = 1_000_000;

    /// <summary>Query text PostgreSQL cannot store or compare (NUL, other control characters) or absurdly long is a field error.</summary>
    private static void CheckText(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (value is not null && (value.Length > 64 || value.Any(char.IsControl)))
        {
            errors[field] = ["Must be at most 64 characters without control characters."];
        }
    }

    private static void CheckRange(Dictionary<string, string[]> errors, string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors[field] = [string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Must be between {min} and {max}.")];
        }
    }

    private static Dictionary<string, string[]> Errors(OperationResult status) =>
        status.Errors.ToDictionary(e => e.Key, e => new[] { e.Value });

    private static AuditActor Actor(HttpContext http) => AuditActor.From(http.User, http.Connection.RemoteIpAddress?.ToString());
}
