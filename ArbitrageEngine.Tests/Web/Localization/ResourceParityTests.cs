using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ArbitrageEngine.Tests.Web.Localization;

/// <summary>Ui.resx (English) and Ui.zh-CN.resx must carry the same keys, non-empty, with the same placeholders.</summary>
public sealed partial class ResourceParityTests
{
    internal static Dictionary<string, string> Load(string path) =>
        XDocument.Load(path).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    [Fact]
    public void Resources_EveryKey_ExistsInBothLanguages()
    {
        var en = Load(RepoFiles.Resx());
        var zh = Load(RepoFiles.Resx("zh-CN"));

        Assert.NotEmpty(en);
        Assert.Empty(en.Keys.Except(zh.Keys).Order());
        Assert.Empty(zh.Keys.Except(en.Keys).Order());
    }

    [Fact]
    public void Resources_EveryValue_IsNonEmptyWithSamePlaceholders()
    {
        var en = Load(RepoFiles.Resx());
        var zh = Load(RepoFiles.Resx("zh-CN"));

        var bad = en.Where(e => zh.TryGetValue(e.Key, out var z)
                && (string.IsNullOrWhiteSpace(e.Value) || string.IsNullOrWhiteSpace(z) || !Placeholders(e.Value).SetEquals(Placeholders(z))))
            .Select(e => e.Key)
            .ToList();

        Assert.Empty(bad);
    }

    [Fact]
    public void Sources_EveryLocalizerKeyUsed_ExistsInResources()
    {
        var en = Load(RepoFiles.Resx());
        var used = Directory.EnumerateFiles(Path.Combine(RepoFiles.WebProject), "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => KeyUse().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(used);
        Assert.Empty(used.Where(u => !en.ContainsKey(u.Key)).Select(u => $"{u.File}: {u.Key}").Distinct());
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"\{(\d+)(?:[:,][^}]*)?\}")]
    private static partial Regex Placeholder();

    // L["Key"] or L["Key", args]; keys are dotted identifiers. Composed keys ("Status." + name) are checked by rendering tests.
    [GeneratedRegex(@"\bL(?:oc)?\[""([A-Za-z][A-Za-z0-9_.]*)""\s*[\],]")]
    private static partial Regex KeyUse();
}
