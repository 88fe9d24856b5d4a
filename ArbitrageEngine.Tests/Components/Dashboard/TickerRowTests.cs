using ArbitrageEngine.Web.Dashboard;

namespace ArbitrageEngine.Tests.Components.Dashboard;

public sealed class TickerRowTests
{
    private static long Utc(int year, int month, int day, int hour, int minute = 0, int second = 0, int ms = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, ms, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static readonly long Now = Utc(2026, 11, 26, 9, 30);

    [Fact]
    public void ChangeFraction_PriceAboveOpen_IsRelativeRiseAndSignedText()
    {
        var row = new TickerRow("BTCUSDT") { Open = new DayOpen(80_000, Now - 86_000_000) };
        row.OnPrice(82_000, Now, Now);

        Assert.Equal(0.025, row.ChangeFraction!.Value, 12);
        Assert.Equal("+2.50%", row.ChangeText);
    }

    [Fact]
    public void ChangeFraction_PriceBelowOpen_IsNegative()
    {
        var row = new TickerRow("ETHUSDT") { Open = new DayOpen(2_000, Now - 86_000_000) };
        row.OnPrice(1_950, Now, Now);

        Assert.Equal(-0.025, row.ChangeFraction!.Value, 12);
        Assert.Equal("-2.50%", row.ChangeText);
    }

    [Fact]
    public void ChangeFraction_NoOpenOrNoPrice_IsNullAndDash()
    {
        var noOpen = new TickerRow("BTCUSDT");
        noOpen.OnPrice(100, Now, Now);
        var noPrice = new TickerRow("BTCUSDT") { Open = new DayOpen(100, Now) };

        Assert.Null(noOpen.ChangeFraction);
        Assert.Null(noPrice.ChangeFraction);
        Assert.Equal("—", noOpen.ChangeText);
    }

    [Fact]
    public void IsChangePartial_OpenMoreThanAnHourIntoTheWindow_IsTrueElseFalse()
    {
        var dayStart = Now - 86_400_000;
        var full = new TickerRow("BTCUSDT") { Open = new DayOpen(1, dayStart + 1_000) };
        var young = new TickerRow("BTCUSDT") { Open = new DayOpen(1, dayStart + (3 * 3_600_000)) };

        Assert.False(full.IsChangePartial(Now));
        Assert.True(young.IsChangePartial(Now));
    }

    [Theory]
    [InlineData(0.0001, 0.1095, "+0.0100%", "+10.95%")]
    [InlineData(-0.00025, -0.27375, "-0.0250%", "-27.38%")]
    [InlineData(0.0, 0.0, "0.0000%", "0.00%")]
    public void AnnualisedFunding_Rate_IsRateTimes3Times365WithSign(double rate, double annualised, string rateText, string annualisedText)
    {
        var row = new TickerRow("BTCUSDT") { FundingRate = rate };

        Assert.Equal(annualised, row.AnnualisedFunding!.Value, 12);
        Assert.Equal(rateText, row.FundingText);
        Assert.Equal(annualisedText, row.AnnualisedText);
    }

    [Fact]
    public void AnnualisedFunding_NoRate_IsNullAndDash()
    {
        var row = new TickerRow("BTCUSDT");

        Assert.Null(row.AnnualisedFunding);
        Assert.Equal("—", row.AnnualisedText);
        Assert.Equal("—", row.FundingText);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 8)]            // exactly 00:00 has just funded → 08:00
    [InlineData(7, 59, 59, 999, 8)]
    [InlineData(8, 0, 0, 0, 16)]
    [InlineData(8, 0, 0, 1, 16)]
    [InlineData(15, 59, 59, 999, 16)]
    [InlineData(16, 0, 0, 0, 24)]          // → 00:00 the next day
    [InlineData(23, 59, 59, 999, 24)]
    public void NextFundingAfter_TimeOfDay_IsNextOf00_08_16Utc(int hour, int minute, int second, int ms, int expectedHour)
    {
        var now = Utc(2026, 11, 26, hour, minute, second, ms);

        Assert.Equal(Utc(2026, 11, 26, 0) + (expectedHour * 3_600_000L), TickerRow.NextFundingAfter(now));
    }

    [Fact]
    public void NextFundingMs_ReportedTimeAhead_UsesItElseSchedule()
    {
        var reported = Utc(2026, 11, 26, 12);
        var row = new TickerRow("BTCUSDT") { ReportedNextFundingMs = reported };

        Assert.Equal(reported, row.NextFundingMs(Now));
        Assert.Equal(Utc(2026, 11, 26, 16), row.NextFundingMs(reported + 1));
    }

    [Fact]
    public void CountdownText_At0930Utc_Is06h30mToNextFundingAndBeijingTime()
    {
        var row = new TickerRow("BTCUSDT");

        Assert.Equal("06:30:00", row.CountdownText(Now));
        Assert.Equal("00:00", row.NextFundingText(Now)); // 16:00 UTC = 00:00 Beijing
    }

    [Fact]
    public void OnPrice_HigherThenLower_FlashesUpThenDown()
    {
        var row = new TickerRow("BTCUSDT");

        Assert.Equal(PriceFlash.None, row.OnPrice(100, Now, Now));
        Assert.Equal(PriceFlash.None, row.FlashAt(Now));
        Assert.Equal(PriceFlash.Up, row.OnPrice(101, Now, Now + 100));
        Assert.Equal(PriceFlash.Up, row.FlashAt(Now + 200));
        Assert.Equal(PriceFlash.Down, row.OnPrice(99.5, Now, Now + 300));
        Assert.Equal(PriceFlash.Down, row.FlashAt(Now + 300));
    }

    [Fact]
    public void FlashAt_AfterFlashDuration_IsNone()
    {
        var row = new TickerRow("BTCUSDT");
        row.OnPrice(100, Now, Now);
        row.OnPrice(101, Now, Now);

        Assert.Equal(PriceFlash.Up, row.FlashAt(Now + TickerRow.FlashMs - 1));
        Assert.Equal(PriceFlash.None, row.FlashAt(Now + TickerRow.FlashMs));
    }

    [Fact]
    public void OnPrice_UnchangedPrice_KeepsPriceAndDoesNotRestartFlash()
    {
        var row = new TickerRow("BTCUSDT");
        row.OnPrice(100, Now, Now);
        row.OnPrice(101, Now, Now);

        Assert.Equal(PriceFlash.None, row.OnPrice(101, Now, Now + 600));
        Assert.Equal(PriceFlash.None, row.FlashAt(Now + TickerRow.FlashMs + 1));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void OnPrice_InvalidPrice_IsIgnored(double price)
    {
        var row = new TickerRow("BTCUSDT");
        row.OnPrice(100, Now, Now);

        row.OnPrice(price, Now, Now + 1);

        Assert.Equal(100, row.Price);
        Assert.Equal(PriceFlash.None, row.FlashAt(Now + 1));
    }

    [Theory]
    [InlineData(0.0000004, 4, "0.0000%")]
    [InlineData(-0.0000004, 4, "0.0000%")]
    [InlineData(-0.0123, 2, "-1.23%")]
    public void Signed_RoundsToZero_HasNoSign(double fraction, int decimals, string expected) =>
        Assert.Equal(expected, TickerRow.Signed(fraction, decimals));
}
