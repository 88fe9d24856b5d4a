using System.Globalization;
using ArbitrageEngine.Engine.Conformance;

namespace ArbitrageEngine.Web.Cli;

/// <summary><c>conformance --in FILE --out FILE</c>: replays a golden stream through the real engine (spec/cli.md).</summary>
public sealed class ConformanceVerb : ICliVerb
{
    public string Name => "conformance";

    public string Help =>
        "conformance --in <golden.jsonl[.gz]> --out <actual.jsonl>\n" +
        "  Replays a golden stream through the engine and paper broker with a simulated clock and writes the expect_* lines.\n" +
        "  Prints 'events=… ticks=… seconds=…' on stderr. Exit 2 with 'line N: reason' on malformed input.";

    public async Task<int> RunAsync(CliArguments args)
    {
        var input = args.Required("in");
        var output = args.Required("out");
        if (!File.Exists(input))
        {
            throw new CliException($"cannot read '{input}': no such file");
        }

        GoldenStream stream;
        try
        {
            stream = GoldenStream.Load(input);
        }
        catch (GoldenFormatException ex)
        {
            throw new CliException($"malformed {input}: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new CliException($"cannot read '{input}': {ex.Message}");
        }

        ReplaySummary summary;
        try
        {
            await using var file = File.Create(output);
            await using var buffered = new BufferedStream(file, 1 << 16);
            summary = GoldenRunner.Run(stream, buffered);
        }
        catch (IOException ex)
        {
            throw new CliException($"cannot write '{output}': {ex.Message}");
        }

        await Console.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"events={summary.Events} ticks={summary.Ticks} seconds={summary.Elapsed.TotalSeconds:0.000}"));
        return 0;
    }
}
