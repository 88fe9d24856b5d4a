using System.Text.Json;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Components.Detail;

namespace ArbitrageEngine.Tests.Components.Detail;

public sealed class EvaluationLogRowsTests
{
    private static readonly Guid Id = Guid.NewGuid();

    private static EvaluationRow Row(long ts, string? signal = null, string? block = null) =>
        new(ts, "BTCUSDT", 50, null, signal, null, block is null, block, null, JsonDocument.Parse("{}").RootElement.Clone());

    private static ScoreResult Result(long ts, TradeDirection? signal = null, string? block = null) => new()
    {
        StrategyId = Id,
        Symbol = "BTCUSDT",
        TimeMs = ts,
        Score = 81,
        Signal = signal,
        GatePassed = block is null,
        GateBlock = block,
        Layers = new ScoreLayers(new(30, 37.8, 40), new(10, 17.2, 15), new(12, 25, 10), new(5, 15, 2)),
    };

    [Fact]
    public void Prepend_NewerResult_GoesOnTopAndPageStaysFull()
    {
        IReadOnlyList<EvaluationRow> rows = [Row(3000), Row(2000), Row(1000)];

        var next = EvaluationLogRows.Prepend(rows, Result(4000), new EvaluationFilter(Limit: 3));

        Assert.Equal([4000L, 3000, 2000], next.Select(r => r.Ts));
        Assert.Equal(81, next[0].Score);
        Assert.Equal(81, next[0].Result.GetProperty("score").GetDouble());
    }

    [Fact]
    public void Prepend_ResultAlreadyStored_LeavesRows()
    {
        IReadOnlyList<EvaluationRow> rows = [Row(3000)];

        Assert.Same(rows, EvaluationLogRows.Prepend(rows, Result(3000), new EvaluationFilter()));
    }

    [Fact]
    public void Prepend_OlderPage_LeavesRows()
    {
        IReadOnlyList<EvaluationRow> rows = [Row(3000)];

        Assert.Same(rows, EvaluationLogRows.Prepend(rows, Result(9000), new EvaluationFilter(BeforeTs: 3500)));
    }

    [Fact]
    public void Prepend_SignalsOnlyAndNoSignal_LeavesRows()
    {
        IReadOnlyList<EvaluationRow> rows = [Row(3000, "LONG")];

        Assert.Same(rows, EvaluationLogRows.Prepend(rows, Result(4000), new EvaluationFilter(SignalsOnly: true)));
        Assert.Equal(4000, EvaluationLogRows.Prepend(rows, Result(4000, TradeDirection.Short), new EvaluationFilter(SignalsOnly: true))[0].Ts);
    }

    [Fact]
    public void Prepend_GateFilter_MatchesBlockCodeOnly()
    {
        IReadOnlyList<EvaluationRow> rows = [];
        var filter = new EvaluationFilter(BlockedOnly: true, Gate: "obi_veto");

        Assert.Empty(EvaluationLogRows.Prepend(rows, Result(4000, block: "low_vol(0.001<0.002)"), filter));
        Assert.Single(EvaluationLogRows.Prepend(rows, Result(4000, block: "obi_veto(0.7)"), filter));
        Assert.Empty(EvaluationLogRows.Prepend(rows, Result(4000), filter));
    }
}
