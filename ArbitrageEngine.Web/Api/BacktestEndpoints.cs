using System.Globalization;
using System.Text;
using System.Text.Json;
using ArbitrageEngine.Web.Backtests;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ArbitrageEngine.Web.Api;

/// <summary>
/// /api/backtests (authorised like the strategy API, API tokens included; read-only tokens cannot change state):
/// submit a spec (202 with the run id, or 400 with per-field errors and nothing stored), list, one run with its
/// results, its trades paged or as CSV (invariant culture), cancel and delete (owner or admin).
/// </summary>
public static class BacktestEndpoints
{
    public sealed record SubmittedDto(Guid RunId, string Status, string Location);

    public sealed record RunDetailDto(BacktestRunRow Run, IReadOnlyList<StrategyResultDto> Strategies, IReadOnlyList<StoredWalkForwardWindow> Windows, JsonElement? Summary);

    /// <summary>One strategy's stored result as the API shows it.</summary>
    public sealed record StrategyResultDto(int Ordinal, Guid StrategyId, string Name, string Symbol, JsonElement Definition, JsonElement Statistics,
        long Evaluations, int SignalsTaken, IReadOnlyDictionary<string, int> SignalsRejected, IReadOnlyList<ArbitrageEngine.Engine.Backtest.EquityPoint> Equity)
    {
        public static StrategyResultDto From(StoredStrategyResult s) =>
            new(s.Ordinal, s.StrategyId, s.Name, s.Symbol, s.Definition, s.Statistics, s.Evaluations, s.SignalsTaken, s.SignalsRejected, s.Equity);
    }

    private const int MaxPage = 1_000_000;

    public static IEndpointRouteBuilder MapBacktestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/backtests").RequireAuthorization().WithTags("backtests");

        group.MapPost("/", async Task<Results<Accepted<SubmittedDto>, ValidationProblem, ForbidHttpResult>> (JsonElement spec, string? kind, BacktestService service, HttpContext http, CancellationToken ct) =>
        {
            if (BacktestUser.From(http.User) is not { } user)
            {
                return TypedResults.Forbid();
            }

            var result = await service.SubmitAsync(user, kind ?? BacktestRunKinds.Backtest, spec, ct);
            return result.RunId is { } id
                ? TypedResults.Accepted($"/api/backtests/{id:D}", new SubmittedDto(id, BacktestRunStatuses.Queued, $"/api/backtests/{id:D}"))
                : TypedResults.ValidationProblem(result.Errors);
        });

        group.MapGet("/", async (BacktestReads reads, CancellationToken ct) => await reads.RunsAsync(ct));

        group.MapGet("/{id:guid}", async Task<Results<Ok<RunDetailDto>, NotFound>> (Guid id, BacktestReads reads, CancellationToken ct) =>
        {
            if (await reads.RunAsync(id, ct) is not { } run)
            {
                return TypedResults.NotFound();
            }

            var strategies = await reads.StrategiesAsync(id, ct);
            return TypedResults.Ok(new RunDetailDto(run, [.. strategies.Select(StrategyResultDto.From)], await reads.WindowsAsync(id, ct), await reads.SummaryAsync(id, ct)));
        });

        group.MapGet("/{id:guid}/trades", async Task<Results<Ok<BacktestTradePage>, ValidationProblem, NotFound>> (Guid id, int? page, int? size, Guid? strategy, BacktestReads reads, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (page is { } p && (p < 1 || p > MaxPage))
            {
                errors["page"] = [string.Create(CultureInfo.InvariantCulture, $"Must be between 1 and {MaxPage}.")];
            }

            if (size is { } s && (s < 1 || s > 500))
            {
                errors["size"] = ["Must be between 1 and 500."];
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            return await reads.RunAsync(id, ct) is null
                ? TypedResults.NotFound()
                : TypedResults.Ok(await reads.TradesAsync(id, strategy, page ?? 1, size ?? 50, ct));
        });

        group.MapGet("/{id:guid}/trades.csv", async (Guid id, Guid? strategy, BacktestDatabase database, HttpContext http, CancellationToken ct) =>
        {
            var store = await database.StoreAsync(ct);
            if (await store.FindAsync(id, ct) is null)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"backtest-{id:D}-trades.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false));
            await writer.WriteLineAsync(BacktestCsv.Header);
            await foreach (var trade in store.AllTradesAsync(id, strategy, ct))
            {
                await writer.WriteLineAsync(BacktestCsv.Line(trade));
            }
        });

        group.MapPost("/{id:guid}/cancel", async Task<Results<Accepted, NotFound, ForbidHttpResult, Conflict<string>>> (Guid id, BacktestService service, HttpContext http, CancellationToken ct) =>
            BacktestUser.From(http.User) is not { } user ? TypedResults.Forbid() : await service.CancelAsync(user, id, ct) switch
            {
                BacktestActionResult.Done => TypedResults.Accepted($"/api/backtests/{id:D}"),
                BacktestActionResult.NotFound => TypedResults.NotFound(),
                BacktestActionResult.Forbidden => TypedResults.Forbid(),
                _ => TypedResults.Conflict("The run has already finished."),
            });

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound, ForbidHttpResult, Conflict<string>>> (Guid id, BacktestService service, HttpContext http, CancellationToken ct) =>
            BacktestUser.From(http.User) is not { } user ? TypedResults.Forbid() : await service.DeleteAsync(user, id, ct) switch
            {
                BacktestActionResult.Done => TypedResults.NoContent(),
                BacktestActionResult.NotFound => TypedResults.NotFound(),
                BacktestActionResult.Forbidden => TypedResults.Forbid(),
                _ => TypedResults.Conflict("The run is running: cancel it first."),
            });

        return app;
    }
}
