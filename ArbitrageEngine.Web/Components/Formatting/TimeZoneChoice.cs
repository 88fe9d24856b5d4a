namespace ArbitrageEngine.Web.Components.Formatting;

/// <summary>
/// The user's time display (product.md §4: Beijing time by default, UTC on request). The layout cascades it to
/// every page; <see cref="Fmt.Time(long?, string, bool)"/> takes <see cref="Utc"/>.
/// </summary>
public sealed record TimeZoneChoice(bool Utc)
{
    public static readonly TimeZoneChoice Beijing = new(false);

    public string Label => Utc ? "UTC" : "UTC+8";
}
