using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;

namespace ArbitrageEngine.Web.Components.Detail;

/// <summary>Shared Plotly look for the detail charts: transparent background (follows the theme), Beijing-time x axis.</summary>
public static class ChartStyle
{
    public const string Blue = "#3b82f6";
    public const string Violet = "#8b5cf6";
    public const string Green = "#22c55e";
    public const string Red = "#ef4444";
    public const string Grey = "#9ca3af";

    /// <summary>An x value in Beijing time; Plotly shows date strings as given, so the axis reads in UTC+8.</summary>
    public static string X(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(Formatting.Fmt.BeijingOffset).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Room above the plot area for the one-line legend.</summary>
    public const int LegendTopMargin = 30;

    public static Plotly.Blazor.Layout Layout(bool secondAxis) => new()
    {
        Height = 320,
        PaperBgColor = "rgba(0,0,0,0)",
        PlotBgColor = "rgba(0,0,0,0)",
        Font = new Font { Color = Grey },
        // The legend sits in a row above the plot: at its default place (right, inside the margin) it covered the
        // price axis labels of the second axis.
        Margin = new Margin { L = 50, R = secondAxis ? 60 : 20, T = LegendTopMargin, B = 40 },
        ShowLegend = true,
        Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, X = 0, Y = 1.02m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom }],
        XAxis = [new XAxis { TickFormat = "%H:%M", GridColor = "rgba(128,128,128,0.15)" }],
        YAxis = secondAxis
            ? [new YAxis { GridColor = "rgba(128,128,128,0.15)" }, new YAxis { Overlaying = "y", Side = Plotly.Blazor.LayoutLib.YAxisLib.SideEnum.Right, ShowGrid = false }]
            : [new YAxis { GridColor = "rgba(128,128,128,0.15)", ZeroLine = true }],
    };

    public static Plotly.Blazor.Config Config() => new() { Responsive = true, DisplayLogo = false };
}
