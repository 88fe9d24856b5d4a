namespace ArbitrageEngine.Engine.Strategies;

public enum TradeDirection
{
    Long,
    Short,
}

public enum DirectionRestriction
{
    Both,
    LongOnly,
    ShortOnly,
}

public enum StrategyStatus
{
    Running,
    Paused,
    Deprecated,
}

/// <summary>CVD window lengths a strategy may pick (engine.md §4.1).</summary>
public enum CvdWindow
{
    M5,
    M15,
    M30,
    H1,
    H4,
}

/// <summary>Wire names ("LONG", "long_only", "15m", …) used by the database, the API and the golden files.</summary>
public static class StrategyNames
{
    public static readonly CvdWindow[] AllWindows = [CvdWindow.M5, CvdWindow.M15, CvdWindow.M30, CvdWindow.H1, CvdWindow.H4];
    public static readonly CvdWindow[] FastWindows = [CvdWindow.M5, CvdWindow.M15, CvdWindow.M30];
    public static readonly CvdWindow[] SlowWindows = [CvdWindow.M30, CvdWindow.H1, CvdWindow.H4];

    public static long Milliseconds(this CvdWindow window) => window switch
    {
        CvdWindow.M5 => 300_000,
        CvdWindow.M15 => 900_000,
        CvdWindow.M30 => 1_800_000,
        CvdWindow.H1 => 3_600_000,
        CvdWindow.H4 => 14_400_000,
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };

    public static string Name(this CvdWindow window) => window switch
    {
        CvdWindow.M5 => "5m",
        CvdWindow.M15 => "15m",
        CvdWindow.M30 => "30m",
        CvdWindow.H1 => "1h",
        CvdWindow.H4 => "4h",
        _ => throw new ArgumentOutOfRangeException(nameof(window)),
    };

    public static bool TryParseWindow(string? text, out CvdWindow window)
    {
        foreach (var w in AllWindows)
        {
            if (string.Equals(w.Name(), text, StringComparison.Ordinal))
            {
                window = w;
                return true;
            }
        }

        window = CvdWindow.M30;
        return false;
    }

    public static string Name(this TradeDirection direction) => direction == TradeDirection.Long ? "LONG" : "SHORT";

    public static TradeDirection Opposite(this TradeDirection direction) =>
        direction == TradeDirection.Long ? TradeDirection.Short : TradeDirection.Long;

    public static bool TryParseDirection(string? text, out TradeDirection direction)
    {
        direction = text == "SHORT" ? TradeDirection.Short : TradeDirection.Long;
        return text is "LONG" or "SHORT";
    }

    public static string Name(this DirectionRestriction restriction) => restriction switch
    {
        DirectionRestriction.LongOnly => "long_only",
        DirectionRestriction.ShortOnly => "short_only",
        _ => "both",
    };

    public static bool TryParseRestriction(string? text, out DirectionRestriction restriction)
    {
        restriction = text switch
        {
            "long_only" => DirectionRestriction.LongOnly,
            "short_only" => DirectionRestriction.ShortOnly,
            _ => DirectionRestriction.Both,
        };
        return text is "both" or "long_only" or "short_only";
    }

    public static bool Allows(this DirectionRestriction restriction, TradeDirection direction) => restriction switch
    {
        DirectionRestriction.LongOnly => direction == TradeDirection.Long,
        DirectionRestriction.ShortOnly => direction == TradeDirection.Short,
        _ => true,
    };

    public static string Name(this StrategyStatus status) => status switch
    {
        StrategyStatus.Paused => "paused",
        StrategyStatus.Deprecated => "deprecated",
        _ => "running",
    };

    public static bool TryParseStatus(string? text, out StrategyStatus status)
    {
        status = text switch
        {
            "paused" => StrategyStatus.Paused,
            "deprecated" => StrategyStatus.Deprecated,
            _ => StrategyStatus.Running,
        };
        return text is "running" or "paused" or "deprecated";
    }
}
