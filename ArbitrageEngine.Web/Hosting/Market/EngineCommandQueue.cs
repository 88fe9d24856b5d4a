using System.Collections.Concurrent;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// Changes for the engine (strategy edits, pauses, top-ups) posted from any thread and applied by the engine
/// loop before its next tick — the engine keeps a single writer and edits need no restart.
/// </summary>
public sealed class EngineCommandQueue
{
    private readonly ConcurrentQueue<Action<SignalEngine>> _commands = new();

    public void Post(Action<SignalEngine> command) => _commands.Enqueue(command);

    /// <summary>Runs every pending command on <paramref name="engine"/>; returns how many ran.</summary>
    internal int Drain(SignalEngine engine)
    {
        var count = 0;
        while (_commands.TryDequeue(out var command))
        {
            command(engine);
            count++;
        }

        return count;
    }
}
