using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Localization;

/// <summary>
/// The same Ui resources for static helpers (label tables, formatters) that have no DI scope. Lookups follow
/// <see cref="System.Globalization.CultureInfo.CurrentUICulture"/>, which request localisation sets per circuit.
/// </summary>
public static class UiText
{
    public static IStringLocalizer L { get; } =
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(Ui));
}
