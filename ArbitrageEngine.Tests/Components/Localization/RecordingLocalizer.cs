using System.Collections.Concurrent;
using ArbitrageEngine.Web.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Tests.Components.Localization;

/// <summary>The real Ui localizer, remembering every key it could not find in the current UI culture.</summary>
internal sealed class RecordingLocalizer : IStringLocalizer<Ui>
{
    private readonly IStringLocalizer inner =
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(Ui));

    public ConcurrentBag<string> Missing { get; } = [];

    public LocalizedString this[string name] => Record(inner[name]);

    public LocalizedString this[string name, params object[] arguments] => Record(inner[name, arguments]);

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);

    private LocalizedString Record(LocalizedString s)
    {
        if (s.ResourceNotFound)
        {
            Missing.Add(s.Name);
        }

        return s;
    }
}
