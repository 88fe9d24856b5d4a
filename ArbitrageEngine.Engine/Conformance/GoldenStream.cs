using System.IO.Compression;
using System.Text.Json;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Conformance;

/// <summary>A malformed golden stream: the 1-based line and the reason.</summary>
public sealed class GoldenFormatException(int line, string reason) : Exception($"line {line}: {reason}")
{
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>One input event of a golden stream (golden/README.md), in file order.</summary>
public abstract record GoldenInput(int Line);

public sealed record StrategyInput(int Line, StrategyDefinition Strategy) : GoldenInput(Line);

public sealed record TradeInput(int Line, string Symbol, AggTrade Trade) : GoldenInput(Line);

public sealed record FeatureInput(int Line, string Symbol, FeatureKey Key, double? Value, long TimeMs) : GoldenInput(Line);

public sealed record TickInput(int Line, long TimeMs) : GoldenInput(Line);

/// <summary>The parsed stream: engine and paper settings from the config line, then the inputs.</summary>
public sealed record GoldenStream(EngineSettings Engine, PaperSettings Paper, IReadOnlyList<GoldenInput> Inputs)
{
    public int TickCount => Inputs.Count(i => i is TickInput);

    /// <summary>Opens a plain or gzip (.gz) file for reading.</summary>
    public static TextReader OpenText(string path)
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return new StreamReader(stream);
    }

    public static GoldenStream Load(string path)
    {
        using var reader = OpenText(path);
        return Read(reader);
    }

    /// <summary>Parses a stream, skipping <c>expect_*</c> lines. Any malformed line throws <see cref="GoldenFormatException"/>.</summary>
    public static GoldenStream Read(TextReader reader)
    {
        EngineSettings? engine = null;
        PaperSettings? paper = null;
        var inputs = new List<GoldenInput>();
        var lineNo = 0;
        var lastTick = long.MinValue;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new GoldenFormatException(lineNo, $"bad JSON: {ex.Message}");
            }

            using (doc)
            {
                var e = doc.RootElement;
                try
                {
                    if (e.ValueKind != JsonValueKind.Object)
                    {
                        throw new FormatException("not a JSON object");
                    }

                    var type = RequiredString(e, "type");
                    if (type.StartsWith("expect_", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (type == "config")
                    {
                        if (engine is not null)
                        {
                            throw new FormatException("second config line");
                        }

                        (engine, paper) = ParseConfig(e);
                        continue;
                    }

                    if (engine is null)
                    {
                        throw new FormatException("the first line must be the config");
                    }

                    switch (type)
                    {
                        case "strategy":
                            inputs.Add(new StrategyInput(lineNo, StrategyJson.Parse(e)));
                            break;
                        case "trade":
                            inputs.Add(new TradeInput(lineNo, RequiredString(e, "symbol"), new AggTrade(
                                RequiredLong(e, "agg_id"),
                                RequiredLong(e, "time_ms"),
                                RequiredDouble(e, "price"),
                                RequiredDouble(e, "qty"),
                                RequiredBool(e, "is_buyer_maker"))));
                            break;
                        case "feature":
                            var keyName = RequiredString(e, "key");
                            if (!FeatureKeys.TryParse(keyName, out var key))
                            {
                                throw new FormatException($"unknown feature key '{keyName}'");
                            }

                            if (!e.TryGetProperty("value", out var v))
                            {
                                throw new FormatException("missing field value");
                            }

                            double? value = v.ValueKind switch
                            {
                                JsonValueKind.Null => null,
                                JsonValueKind.Number => v.GetDouble(),
                                _ => throw new FormatException("value must be a number or null"),
                            };
                            inputs.Add(new FeatureInput(lineNo, RequiredString(e, "symbol"), key, value, RequiredLong(e, "time_ms")));
                            break;
                        case "tick":
                            var t = RequiredLong(e, "time_ms");
                            if (t < lastTick)
                            {
                                throw new FormatException($"tick {t} is before the previous tick {lastTick}");
                            }

                            lastTick = t;
                            inputs.Add(new TickInput(lineNo, t));
                            break;
                        default:
                            throw new FormatException($"unknown type '{type}'");
                    }
                }
                catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException)
                {
                    throw new GoldenFormatException(lineNo, ex.Message);
                }
            }
        }

        if (engine is null || paper is null)
        {
            throw new GoldenFormatException(Math.Max(lineNo, 1), "no config line");
        }

        return new GoldenStream(engine, paper, inputs);
    }

    private static (EngineSettings, PaperSettings) ParseConfig(JsonElement e)
    {
        if (!e.TryGetProperty("symbols", out var symbols) || symbols.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("missing field symbols");
        }

        var engine = new EngineSettings
        {
            Symbols = symbols.EnumerateArray().Select(s => s.GetString() ?? throw new FormatException("symbols must be strings")).ToArray(),
            EvalIntervalMs = OptionalLong(e, "eval_interval_ms") ?? 15_000,
            WarmupMs = OptionalLong(e, "warmup_ms") ?? 4 * 3_600_000L,
        };
        var paper = new PaperSettings();
        if (e.TryGetProperty("paper", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            var tiers = paper.TierMultiplier;
            if (p.TryGetProperty("tier_multiplier", out var tm) && tm.ValueKind == JsonValueKind.Object)
            {
                tiers = new TierMultipliers(
                    OptionalDouble(tm, "light") ?? tiers.Light,
                    OptionalDouble(tm, "standard") ?? tiers.Standard,
                    OptionalDouble(tm, "heavy") ?? tiers.Heavy);
            }

            paper = new PaperSettings
            {
                Enabled = !p.TryGetProperty("enabled", out var en) || en.ValueKind != JsonValueKind.False,
                RiskPerTrade = OptionalDouble(p, "risk_per_trade") ?? paper.RiskPerTrade,
                FeeRate = OptionalDouble(p, "fee_rate") ?? paper.FeeRate,
                MaxPositions = (int)(OptionalLong(p, "max_positions") ?? paper.MaxPositions),
                BeBufferAtr = OptionalDouble(p, "be_buffer_atr") ?? paper.BeBufferAtr,
                TierMultiplier = tiers,
            };
        }

        return (engine, paper);
    }

    private static JsonElement Required(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : throw new FormatException($"missing field {name}");

    private static string RequiredString(JsonElement e, string name)
    {
        var v = Required(e, name);
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"{name} must be a string");
    }

    private static long RequiredLong(JsonElement e, string name)
    {
        var v = Required(e, name);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : throw new FormatException($"{name} must be an integer");
    }

    private static double RequiredDouble(JsonElement e, string name)
    {
        var v = Required(e, name);
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new FormatException($"{name} must be a number");
    }

    private static bool RequiredBool(JsonElement e, string name)
    {
        var v = Required(e, name);
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new FormatException($"{name} must be true or false");
    }

    private static long? OptionalLong(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;

    private static double? OptionalDouble(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
