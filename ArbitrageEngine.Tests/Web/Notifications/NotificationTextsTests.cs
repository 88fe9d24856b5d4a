using System.Globalization;
using ArbitrageEngine.Web.Funding;
using ArbitrageEngine.Web.Localization;
using ArbitrageEngine.Web.Notifications;

namespace ArbitrageEngine.Tests.Web.Notifications;

public sealed class NotificationTextsTests
{
    private static readonly FundingSignalEvent Funding = new("XRPUSDT", 14.19, 10, 21, 1_790_000_000_000);

    [Fact]
    public void FundingSignal_NoCulture_EnglishWithInvariantNumbers()
    {
        var n = NotificationTexts.FundingSignal(Funding);

        Assert.Equal("Funding arbitrage signal XRPUSDT: 14.19% a year", n.Title);
        Assert.Equal("The 7-day mean funding rate of XRPUSDT annualises to 14.19% (21 settlements), at or above the 10% threshold: long spot + short perpetual collects it.", n.Text);
    }

    [Fact]
    public void FundingSignal_Chinese_ChineseTexts()
    {
        var n = NotificationTexts.FundingSignal(Funding, CultureInfo.GetCultureInfo(AppCultures.Chinese));

        Assert.Equal("资金费率套利信号 XRPUSDT：年化 14.19%", n.Title);
        Assert.Contains("21 次结算", n.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_Chinese_DoesNotChangeCallerCulture()
    {
        var before = CultureInfo.CurrentUICulture;

        var n = NotificationTexts.Test("ops", 0, CultureInfo.GetCultureInfo(AppCultures.Chinese));

        Assert.Equal("ops 的测试通知", n.Title);
        Assert.Equal(before, CultureInfo.CurrentUICulture);
    }

    [Fact]
    public void CollectorFault_English_SameTextAsBefore()
    {
        var n = NotificationTexts.CollectorFault(new CollectorFaultEvent("aggTrade", "Reconnecting", "no frame for 90 s", false, 0));

        Assert.Equal("Collector fault: aggTrade", n.Title);
        Assert.Equal("The aggTrade stream is Reconnecting: no frame for 90 s", n.Text);
    }

    [Fact]
    public void KindLabel_ExplicitCulture_FollowsIt()
    {
        Assert.Equal("Funding arbitrage signal", NotificationTexts.KindLabel(NotificationKind.FundingSignal, CultureInfo.InvariantCulture));
        Assert.Equal("资金费率套利信号", NotificationTexts.KindLabel(NotificationKind.FundingSignal, CultureInfo.GetCultureInfo(AppCultures.Chinese)));
    }
}
