using ArbitrageEngine.Web.Components.Formatting;

namespace ArbitrageEngine.Tests.Components.Formatting;

public sealed class FmtTests
{
    [Theory]
    [InlineData(0.52341, "0.5234")]
    [InlineData(99.99999, "100.0000")]
    [InlineData(3123.456, "3,123.46")]
    [InlineData(98765.43, "98,765.4")]
    public void Price_BySize_UsesSpecDecimals(double price, string expected) => Assert.Equal(expected, Fmt.Price(price));

    [Theory]
    [InlineData(1.234, "+1.23R")]
    [InlineData(-0.5, "-0.50R")]
    [InlineData(0.0, "0.00R")]
    [InlineData(-0.001, "0.00R")]
    public void R_Always_SignedTwoDecimals(double r, string expected) => Assert.Equal(expected, Fmt.R(r));

    [Theory]
    [InlineData(123.4, "+123 U")]
    [InlineData(-45.64, "-45.6 U")]
    [InlineData(12345.0, "+12,345 U")]
    public void Usdt_Always_Signed(double u, string expected) => Assert.Equal(expected, Fmt.Usdt(u));

    [Theory]
    [InlineData(1234.0, "1.2K")]
    [InlineData(-3_400_000.0, "-3.4M")]
    [InlineData(12.0, "12")]
    public void Compact_LargeNumbers_UsesSuffix(double v, string expected) => Assert.Equal(expected, Fmt.Compact(v));

    [Fact]
    public void Time_DefaultAndUtc_BeijingIsEightHoursAhead()
    {
        var ms = new DateTimeOffset(2026, 11, 26, 20, 5, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        Assert.Equal("11-27 04:05", Fmt.Time(ms));
        Assert.Equal("11-26 20:05", Fmt.Time(ms, utc: true));
    }

    [Theory]
    [InlineData(0.50, MudBlazor.Color.Success)]
    [InlineData(0.45, MudBlazor.Color.Warning)]
    [InlineData(0.4499, MudBlazor.Color.Error)]
    public void WinRateColor_Thresholds_FollowSpec(double rate, MudBlazor.Color expected) => Assert.Equal(expected, Fmt.WinRateColor(rate));
}
