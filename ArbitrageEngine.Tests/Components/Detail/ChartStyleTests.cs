using ArbitrageEngine.Web.Components.Detail;
using Plotly.Blazor.LayoutLib.LegendLib;

namespace ArbitrageEngine.Tests.Components.Detail;

public sealed class ChartStyleTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Layout_Legend_IsOneRowAboveThePlotNotOverTheAxes(bool secondAxis)
    {
        var layout = ChartStyle.Layout(secondAxis);

        var legend = Assert.Single(layout.Legend);
        Assert.Equal(OrientationEnum.H, legend.Orientation);
        Assert.True(legend.Y > 1, "legend above the plot area");
        Assert.Equal(YAnchorEnum.Bottom, legend.YAnchor);
        Assert.True(layout.Margin.T >= ChartStyle.LegendTopMargin);
    }
}
