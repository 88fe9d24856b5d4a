using ArbitrageEngine.Engine.Evolve;

namespace ArbitrageEngine.Tests.Engine.Evolve;

public class RetirementTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 5, 0, TimeSpan.FromHours(8));

    private static RetirementCandidate C(string name, double fitness, double ageHours, bool thisRun = false) =>
        new(Guid.NewGuid(), name, Now.AddHours(-ageHours), fitness, thisRun);

    [Fact]
    public void Choose_AtOrBelowCap_None() =>
        Assert.Empty(Retirement.Choose([C("a", -9, 100), C("b", -9, 100), C("c", -9, 100)], 3, TimeSpan.FromHours(24), Now));

    [Fact]
    public void Choose_AboveCap_LowestFitnessThenOldestNeverYoungNeverThisRun()
    {
        var a = C("a", -1, 48);
        var b = C("b", -1, 72);
        var young = C("young", -5, 10);
        var d = C("d", 2, 100);
        var mine = C("mine", -10, 0, thisRun: true);
        var retired = Retirement.Choose([a, b, young, d, mine], 3, TimeSpan.FromHours(24), Now);
        Assert.Equal(["b", "a"], retired.Select(r => r.Name));
    }

    [Fact]
    public void Choose_NotEnoughEligible_RetiresOnlyEligible()
    {
        var old = C("old", 5, 30);
        var retired = Retirement.Choose([old, C("y1", -3, 1), C("y2", -3, 2), C("y3", -3, 23.9)], 2, TimeSpan.FromHours(24), Now);
        Assert.Equal("old", Assert.Single(retired).Name);
    }
}
