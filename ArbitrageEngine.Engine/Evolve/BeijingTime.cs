namespace ArbitrageEngine.Engine.Evolve;

/// <summary>Beijing time (UTC+8, no daylight saving): the date of a run and the schedule (evolve.md §1).</summary>
public static class BeijingTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly DateOf(DateTimeOffset utc) => DateOnly.FromDateTime(utc.ToOffset(Offset).DateTime);

    /// <summary>The UTC instant of <paramref name="time"/> Beijing time on <paramref name="date"/>.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), Offset);
}
