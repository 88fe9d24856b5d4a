using ArbitrageEngine.Engine.Market;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>Settings of the trade writer (product.md §3).</summary>
public sealed record AggTradeWriterOptions
{
    /// <summary>Flush when this many trades are pending…</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>…or when the oldest pending trade waited this long.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Trades kept in memory while the database is unreachable; beyond it the oldest are dropped (and counted).</summary>
    public int MaxBuffered { get; init; } = 2_000_000;

    public TimeSpan RetryInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Keep <c>market_bars_1m</c> in step with every flushed batch (see <see cref="MarketBarUpkeep"/>).</summary>
    public bool MaintainBars { get; init; } = true;
}

/// <summary>
/// Buffers trades from the ingest path and writes them in batches (1,000 rows or 1 s) through
/// <see cref="AggTradeStore"/>. <see cref="Enqueue"/> never blocks: during a database outage trades stay in
/// memory up to <see cref="AggTradeWriterOptions.MaxBuffered"/>, then the oldest are dropped with a loud counter.
/// A failed batch is retried with back-off and written exactly once (the merge is idempotent anyway).
/// </summary>
// The SemaphoreSlim is only a wake-up signal (its wait handle is never created), so it holds nothing to release.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim without AvailableWaitHandle owns no unmanaged resource")]
public sealed partial class AggTradeWriter(AggTradeStore store, AggTradeWriterOptions options, ILogger<AggTradeWriter>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<AggTradeWriter>.Instance;
    private readonly LinkedList<SymbolTrade[]> _pending = new(); // chunks, oldest first
    private readonly object _gate = new();
    private SymbolTrade[] _current = new SymbolTrade[options.BatchSize];
    private int _currentCount;
    private long _buffered;
    private long _written;
    private long _duplicates;
    private long _dropped;
    private long _failures;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly MarketBarUpkeep? _bars = options.MaintainBars ? new(new MarketBarStore(store.DataSource, store.DatasetId), logger) : null;

    /// <summary>Chunks (of <see cref="AggTradeWriterOptions.BatchSize"/>) written in one COPY when a backlog builds up.</summary>
    internal const int MaxChunksPerWrite = 50;

    public long Buffered => Interlocked.Read(ref _buffered);
    public long Written => Interlocked.Read(ref _written);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Failures => Interlocked.Read(ref _failures);
    public string? LastError { get; private set; }

    /// <summary>The bar upkeep of this writer (null when <see cref="AggTradeWriterOptions.MaintainBars"/> is off).</summary>
    public MarketBarUpkeep? Bars => _bars;

    /// <summary>Adds a trade to the buffer. Never blocks and never throws.</summary>
    public void Enqueue(string symbol, in AggTrade trade)
    {
        var full = false;
        lock (_gate)
        {
            _current[_currentCount++] = new SymbolTrade(symbol, trade);
            _buffered++;
            if (_currentCount == _current.Length)
            {
                _pending.AddLast(_current);
                _current = new SymbolTrade[options.BatchSize];
                _currentCount = 0;
                full = true;
            }

            while (_buffered > options.MaxBuffered && _pending.First is { } oldest)
            {
                _pending.RemoveFirst();
                _buffered -= oldest.Value.Length;
                _dropped += oldest.Value.Length;
                LogDropped(oldest.Value.Length, _dropped);
            }
        }

        if (full)
        {
            _signal.Release();
        }
    }

    /// <summary>Asks the writer to flush what it holds now instead of at the next batch boundary (after a tick: results wait for their trades).</summary>
    public void FlushSoon() => _signal.Release();

    /// <summary>Writes until cancelled, then flushes what is left (best effort, bounded by <paramref name="drainTimeout"/>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken, TimeSpan? drainTimeout = null)
    {
        var delay = options.RetryInitialDelay;
        if (_bars is not null)
        {
            try
            {
                await _bars.CatchUpAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping before the first flush: the next start catches up.
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(options.FlushInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (!await FlushAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.RetryMaxDelay.Ticks));
            }
            else
            {
                delay = options.RetryInitialDelay;
            }
        }

        using var drain = new CancellationTokenSource(drainTimeout ?? TimeSpan.FromSeconds(10));
        await FlushAsync(drain.Token).ConfigureAwait(false);
    }

    /// <summary>Writes every buffered trade; false when the database failed (the trades stay buffered).</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_currentCount > 0)
            {
                _pending.AddLast(_current[.._currentCount]);
                _current = new SymbolTrade[options.BatchSize];
                _currentCount = 0;
            }
        }

        var chunks = new List<SymbolTrade[]>(MaxChunksPerWrite);
        while (true)
        {
            // A backlog (the simulated backfill, a gap fill, an outage) is written many chunks per COPY: one
            // transaction per 1,000 rows capped the first start at the database's round trips.
            chunks.Clear();
            lock (_gate)
            {
                for (var node = _pending.First; node is not null && chunks.Count < MaxChunksPerWrite; node = node.Next)
                {
                    chunks.Add(node.Value);
                }
            }

            if (chunks.Count == 0)
            {
                return true;
            }

            IReadOnlyList<SymbolTrade> batch = chunks.Count == 1 ? chunks[0] : [.. chunks.SelectMany(c => c)];
            try
            {
                var outcome = await store.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    // Chunks may have been dropped as "oldest" meanwhile; only remove the written ones still at the head.
                    foreach (var chunk in chunks)
                    {
                        if (_pending.First?.Value == chunk)
                        {
                            _pending.RemoveFirst();
                            _buffered -= chunk.Length;
                        }
                    }
                }

                Interlocked.Add(ref _written, outcome.Inserted);
                Interlocked.Add(ref _duplicates, outcome.Duplicates);
                LastError = null;
                if (_bars is not null)
                {
                    await _bars.AfterWriteAsync(batch, outcome, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
                LastError = ex.Message;
                LogWriteFailed(ex, Buffered);
                return false;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trade batch write failed; {Buffered} trades buffered in memory, retrying")]
    private partial void LogWriteFailed(Exception ex, long buffered);

    [LoggerMessage(Level = LogLevel.Error, Message = "Trade buffer full: dropped the {Count} oldest trades ({Total} dropped in total)")]
    private partial void LogDropped(int count, long total);
}
