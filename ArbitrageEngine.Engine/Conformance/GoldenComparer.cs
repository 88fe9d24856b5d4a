using System.Text.Json;

namespace ArbitrageEngine.Engine.Conformance;

/// <summary>Result of comparing produced expectations with a golden file.</summary>
public sealed record ComparisonReport(int Passed, int Failed, IReadOnlyList<string> Mismatches)
{
    public string Summary => $"conformance: {Passed} passed, {Failed} failed";
}

/// <summary>
/// C# port of golden/compare.py: expectations keyed by (type, symbol|strategy, time) or per-strategy sequence,
/// numbers equal within 1e-6 + 1e-9·|b|, gate_block compared before '(' and boundary lines only checked for presence.
/// </summary>
public static class GoldenComparer
{
    private static readonly string[] Types = ["expect_snapshot", "expect_result", "expect_open", "expect_tp1", "expect_close"];

    public static ComparisonReport Compare(TextReader golden, TextReader actual, int maxShown = 25)
    {
        var gold = Index(golden);
        var act = Index(actual);
        int passed = 0, failed = 0;
        var shown = new List<string>();
        foreach (var (key, g) in gold)
        {
            var bad = new List<string>();
            if (!act.TryGetValue(key, out var a))
            {
                bad.Add("missing");
            }
            else if (!(g.TryGetProperty("boundary", out var b) && b.ValueKind == JsonValueKind.True))
            {
                foreach (var field in g.EnumerateObject())
                {
                    if (field.Name is "type" or "boundary")
                    {
                        continue;
                    }

                    if (!a.TryGetProperty(field.Name, out var av) || !Close(av, field.Value))
                    {
                        bad.Add($"{field.Name}: expected {Trim(field.Value.GetRawText())} got {(a.TryGetProperty(field.Name, out var x) ? Trim(x.GetRawText()) : "<absent>")}");
                    }
                }
            }

            if (bad.Count > 0)
            {
                failed++;
                if (shown.Count < maxShown)
                {
                    shown.Add($"MISMATCH {key} {string.Join("; ", bad.Take(4))}");
                }
            }
            else
            {
                passed++;
            }
        }

        foreach (var key in act.Keys.Where(k => !gold.ContainsKey(k)))
        {
            failed++;
            if (shown.Count < maxShown)
            {
                shown.Add($"UNEXPECTED {key}");
            }
        }

        return new ComparisonReport(passed, failed, shown);
    }

    private static string Trim(string text) => text.Length > 120 ? text[..120] : text;

    private static Dictionary<string, JsonElement> Index(TextReader reader)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var seq = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var e = JsonDocument.Parse(line).RootElement;
            var type = e.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is null || Array.IndexOf(Types, type) < 0)
            {
                continue;
            }

            string key;
            if (type == "expect_snapshot")
            {
                key = $"{type}|{e.GetProperty("symbol").GetString()}|{e.GetProperty("time_ms").GetRawText()}";
            }
            else if (type == "expect_result")
            {
                key = $"{type}|{e.GetProperty("strategy_id").GetString()}|{e.GetProperty("time_ms").GetRawText()}";
            }
            else
            {
                var prefix = $"{type}|{e.GetProperty("strategy_id").GetString()}";
                var n = seq.GetValueOrDefault(prefix);
                seq[prefix] = n + 1;
                key = $"{prefix}|#{n}";
            }

            result[key] = e;
        }

        return result;
    }

    private static bool Close(JsonElement a, JsonElement b)
    {
        switch (b.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return a.ValueKind == b.ValueKind;
            case JsonValueKind.String:
                if (a.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                var sa = a.GetString()!;
                var sb = b.GetString()!;
                return sa.Contains('(') || sb.Contains('(') ? sa.Split('(')[0] == sb.Split('(')[0] : sa == sb;
            case JsonValueKind.Number:
                if (a.ValueKind != JsonValueKind.Number)
                {
                    return false;
                }

                var x = a.GetDouble();
                var y = b.GetDouble();
                return x == y || Math.Abs(x - y) <= Math.Max(1e-9 * Math.Max(Math.Abs(x), Math.Abs(y)), 1e-6);
            case JsonValueKind.Object:
                if (a.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                foreach (var p in b.EnumerateObject())
                {
                    if (!a.TryGetProperty(p.Name, out var av) || !Close(av, p.Value))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return a.GetRawText() == b.GetRawText();
        }
    }
}
