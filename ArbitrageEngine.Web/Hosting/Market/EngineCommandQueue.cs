using System.Collections.Concurrent;
using ArbitrageEngine.Engine.Loop;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// Commands posted by the app (strategy service) for the running loop, after they are stored in <c>engine_commands</c>.
/// The live host moves them into the loop just before each tick; the loop applies them before scoring and the
/// journal stamps them with that tick. A command that a restart already loaded from storage is ignored by the loop.
/// </summary>
public sealed class EngineCommandQueue
{
    private readonly ConcurrentQueue<EngineCommand> _commands = new();

    public void Post(EngineCommand command) => _commands.Enqueue(command);

    public int Count => _commands.Count;

    /// <summary>Moves every pending command into <paramref name="loop"/>; returns how many.</summary>
    internal int DrainTo(EngineLoop loop)
    {
        var count = 0;
        while (_commands.TryDequeue(out var command))
        {
            loop.Submit(command);
            count++;
        }

        return count;
    }
}
