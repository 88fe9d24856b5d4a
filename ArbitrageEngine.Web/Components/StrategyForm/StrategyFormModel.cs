using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Web.Components.StrategyForm;

/// <summary>
/// Mutable form state for one strategy (engine.md §3). Inputs bind to it; <see cref="ToDefinition"/> builds the
/// draft the server validates. Fields the form does not show (id, status, balances, options, tags) come from the
/// baseline unchanged, so an edit never resets them.
/// </summary>
public sealed class StrategyFormModel
{
    private readonly StrategyDefinition baseline;

    private StrategyFormModel(StrategyDefinition baseline, bool isEdit)
    {
        this.baseline = baseline;
        IsEdit = isEdit;
        DisplayName = baseline.DisplayName;
        Description = baseline.Description;
        Symbol = baseline.Symbol;
        Direction = baseline.Direction;
        CvdFastWindow = baseline.CvdFastWindow;
        CvdSlowWindow = baseline.CvdSlowWindow;
        WeightDirection = baseline.WeightDirection;
        WeightEnv = baseline.WeightEnv;
        WeightAux = baseline.WeightAux;
        WeightMomentum = baseline.WeightMomentum;
        EntryScore = baseline.EntryScore;
        FlipThreshold = baseline.FlipThreshold;
        GateVolEnabled = baseline.GateVolEnabled;
        VolAtrPctMin = baseline.VolAtrPctMin;
        GateCvdEnabled = baseline.GateCvdEnabled;
        GateWhaleEnabled = baseline.GateWhaleEnabled;
        WhaleUsdThreshold = baseline.WhaleUsdThreshold;
        WhaleFlowPct = baseline.WhaleFlowPct;
        GateObiEnabled = baseline.GateObiEnabled;
        ObiThreshold = baseline.ObiThreshold;
        GateSpotPerpEnabled = baseline.GateSpotPerpEnabled;
        SpotPerpThreshold = baseline.SpotPerpThreshold;
        SlAtrMultiplier = baseline.SlAtrMultiplier;
        Tp1Ratio = baseline.Tp1Ratio;
        Tp2Ratio = baseline.Tp2Ratio;
        TimeoutMinutes = baseline.TimeoutMinutes;
        InitialBalance = baseline.InitialBalance;
    }

    /// <summary>A new strategy for <paramref name="symbol"/>, with that symbol's recommended gate values.</summary>
    public static StrategyFormModel ForCreate(string symbol) => new(StrategyDefinition.CreateDefault(symbol), isEdit: false);

    public static StrategyFormModel ForEdit(StrategyDefinition existing) => new(existing, isEdit: true);

    /// <summary>Edit mode: symbol and initial balance are fixed (the server rejects changes to them).</summary>
    public bool IsEdit { get; }

    public Guid StrategyId => baseline.StrategyId;

    public string DisplayName { get; set; }
    public string Description { get; set; }
    public string Symbol { get; private set; }
    public DirectionRestriction Direction { get; set; }
    public CvdWindow CvdFastWindow { get; set; }
    public CvdWindow CvdSlowWindow { get; set; }
    public int WeightDirection { get; set; }
    public int WeightEnv { get; set; }
    public int WeightAux { get; set; }
    public int WeightMomentum { get; set; }
    public int EntryScore { get; set; }
    public int FlipThreshold { get; set; }
    public bool GateVolEnabled { get; set; }
    public double VolAtrPctMin { get; set; }
    public bool GateCvdEnabled { get; set; }
    public bool GateWhaleEnabled { get; set; }
    public double WhaleUsdThreshold { get; set; }
    public double WhaleFlowPct { get; set; }
    public bool GateObiEnabled { get; set; }
    public double ObiThreshold { get; set; }
    public bool GateSpotPerpEnabled { get; set; }
    public double SpotPerpThreshold { get; set; }
    public double SlAtrMultiplier { get; set; }
    public double Tp1Ratio { get; set; }
    public double Tp2Ratio { get; set; }
    public int TimeoutMinutes { get; set; }
    public double InitialBalance { get; set; }

    public int WeightTotal => WeightDirection + WeightEnv + WeightAux + WeightMomentum;

    public bool WeightsValid => WeightTotal == 100;

    /// <summary>
    /// Changes the symbol. On create this also loads that symbol's recommended gate thresholds (the original
    /// kept BTC values for every coin); on edit the symbol is immutable, so the call is ignored.
    /// </summary>
    public void ChangeSymbol(string symbol)
    {
        if (IsEdit || string.Equals(symbol, Symbol, StringComparison.Ordinal))
        {
            return;
        }

        Symbol = symbol;
        var gates = RecommendedGates.For(symbol);
        VolAtrPctMin = gates.VolAtrPctMin;
        WhaleUsdThreshold = gates.WhaleUsdThreshold;
        WhaleFlowPct = gates.WhaleFlowPct;
        ObiThreshold = gates.ObiThreshold;
        SpotPerpThreshold = gates.SpotPerpThreshold;
    }

    /// <summary>The draft sent to StrategyService; on edit, symbol and initial balance are the stored ones.</summary>
    public StrategyDefinition ToDefinition() => baseline with
    {
        DisplayName = DisplayName ?? "",
        Description = Description ?? "",
        Symbol = IsEdit ? baseline.Symbol : Symbol,
        Direction = Direction,
        CvdFastWindow = CvdFastWindow,
        CvdSlowWindow = CvdSlowWindow,
        WeightDirection = WeightDirection,
        WeightEnv = WeightEnv,
        WeightAux = WeightAux,
        WeightMomentum = WeightMomentum,
        EntryScore = EntryScore,
        FlipThreshold = FlipThreshold,
        GateVolEnabled = GateVolEnabled,
        VolAtrPctMin = VolAtrPctMin,
        GateCvdEnabled = GateCvdEnabled,
        GateWhaleEnabled = GateWhaleEnabled,
        WhaleUsdThreshold = WhaleUsdThreshold,
        WhaleFlowPct = WhaleFlowPct,
        GateObiEnabled = GateObiEnabled,
        ObiThreshold = ObiThreshold,
        GateSpotPerpEnabled = GateSpotPerpEnabled,
        SpotPerpThreshold = SpotPerpThreshold,
        SlAtrMultiplier = SlAtrMultiplier,
        Tp1Ratio = Tp1Ratio,
        Tp2Ratio = Tp2Ratio,
        TimeoutMinutes = TimeoutMinutes,
        InitialBalance = IsEdit ? baseline.InitialBalance : InitialBalance,
        CurrentBalance = IsEdit ? baseline.CurrentBalance : InitialBalance,
    };
}
