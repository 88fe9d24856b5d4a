using System.Globalization;
using ArbitrageEngine.Web.Components.Detail;
using ArbitrageEngine.Web.Components.Formatting;
using ArbitrageEngine.Web.Localization;

namespace ArbitrageEngine.Tests.Web.Localization;

/// <summary>Formats per UI culture keep the product's conventions (signed R, "U", Beijing time).</summary>
public sealed class CultureFormatTests
{
    private static T In<T>(string culture, Func<T> f)
    {
        var (c, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return f();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (c, ui);
        }
    }

    [Theory]
    [InlineData("en", "3d 4h", "2h 05m", "12m")]
    [InlineData("zh-CN", "3天 4小时", "2小时 05分", "12分钟")]
    public void Duration_Culture_UsesItsUnits(string culture, string days, string hours, string minutes)
    {
        Assert.Equal(days, In(culture, () => Fmt.Duration(new TimeSpan(3, 4, 0, 0))));
        Assert.Equal(hours, In(culture, () => Fmt.Duration(new TimeSpan(2, 5, 0))));
        Assert.Equal(minutes, In(culture, () => Fmt.Duration(TimeSpan.FromMinutes(12))));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public void Numbers_Culture_KeepProductConventions(string culture)
    {
        Assert.Equal("+1.23R", In(culture, () => Fmt.R(1.234)));
        Assert.Equal("-1,235 U", In(culture, () => Fmt.Usdt(-1234.5)));
        Assert.Equal("10,250.50 USDT", In(culture, () => Fmt.Balance(10_250.5)));
        Assert.Equal("01-01 08:00", In(culture, () => Fmt.Time(0L)));
    }

    [Fact]
    public void Labels_Chinese_ShowChineseTierAndExit()
    {
        Assert.Equal("止盈", In(AppCultures.Chinese, () => DetailText.Exit("tp")));
        Assert.Equal("tp 止盈", In(AppCultures.English, () => DetailText.Exit("tp")));
        Assert.Equal("加仓", In(AppCultures.Chinese, () => DetailText.Tier("heavy")));
    }

    [Fact]
    public void Validation_Chinese_MapsServerMessages()
    {
        Assert.Equal("必须在 60 到 95 之间。", In(AppCultures.Chinese, () => ValidationText.Localize("Must be between 60 and 95.")));
        Assert.Equal("TP2 必须大于 TP1。", In(AppCultures.Chinese, () => ValidationText.Localize("TP2 must be greater than TP1.")));
        Assert.Equal("Something new.", In(AppCultures.Chinese, () => ValidationText.Localize("Something new.")));
    }
}
