using System.Globalization;
using System.Threading.Channels;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Archive;
using ArbitrageEngine.Engine.Replay;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>Read-ahead of a <see cref="StoredMarketSource"/>: memory is bounded by these, whatever the range.</summary>
public sealed record StoredMarketSourceOptions
{
    /// <summary>Trades per chunk handed from a symbol's reader to the merge.</summary>
    public int ChunkTrades { get; init; } = 8192;

    /// <summary>Chunks a symbol's reader may be ahead of the merge (trades and features each).</summary>
    public int ChunksAhead { get; init; } = 4;

    /// <summary>Feature readings per chunk.</summary>
    public int ChunkFeatures { get; init; } = 512;

    /// <summary>Take archived days from the trade archive (by its manifest, <c>archive_files</c>); false = PostgreSQL only.</summary>
    public bool UseArchive { get; init; } = true;

    /// <summary>Where the archive lives now, when it moved since it was written (null = the root recorded per file).</summary>
    public string? ArchiveRoot { get; init; }
}

/// <summary>A replay range in which a requested symbol has no stored trades: the message says what is stored.</summary>
public sealed class ReplayRangeException(string message) : Exception(message);

/// <summary>
/// Replays the stored trades and feature readings of one dataset (backtest.md §4–5) for the given symbols and
/// [from, to), in event-time order, as an <see cref="IMarketSource"/>.
/// <para>
/// Order: events are merged by time; trades of a symbol strictly in agg_id order, features of a symbol by (time,
/// storage order). At equal times, features come before trades (a tick at T reads features stamped ≤ T, exactly
/// as the trades it applies), then symbols in ordinal (culture-free) order of their names.
/// </para>
/// <para>
/// Each symbol is read on its own connections, in parallel: trades by one binary COPY over the agg_id key range
/// (<see cref="AggTradeCopy"/>: index order, no sort), features by a keyed cursor; both fill bounded queues of
/// fixed-size chunks (recycled), so memory does not grow with the range. The merge runs on the consumer.
/// </para>
/// <para>
/// <see cref="RunAsync"/> completes <c>output</c> when the range is exhausted (or with the error that stopped it).
/// A symbol with no stored trades in the range fails the run before anything is written, with a
/// <see cref="ReplayRangeException"/> naming the range stored per symbol.
/// </para>
/// </summary>
public sealed class StoredMarketSource(
    NpgsqlDataSource dataSource, DatasetInfo dataset, IReadOnlyList<string> symbols, long fromMs, long toMs, StoredMarketSourceOptions? options = null) : IMarketSource
{
    public string Name => "replay";

    public DatasetInfo Dataset { get; } = dataset;

    public IReadOnlyList<string> Symbols { get; } = symbols;

    public long FromMs { get; } = fromMs;

    public long ToMs { get; } = toMs;

    public SourceStatus Status { get; } = new();

    /// <summary>The reader of the current run (read-ahead counters for tests and benchmarks).</summary>
    public StoredMarketReader? Reader { get; private set; }

    /// <summary>The source for the dataset called <paramref name="datasetName"/>; an unknown name is refused with the list of existing ones.</summary>
    public static async Task<StoredMarketSource> CreateAsync(
        NpgsqlDataSource dataSource, string datasetName, IReadOnlyList<string> symbols, long fromMs, long toMs, StoredMarketSourceOptions? options = null, CancellationToken cancellationToken = default)
    {
        var dataset = await new DatasetCatalog(dataSource).GetAsync(datasetName, cancellationToken).ConfigureAwait(false);
        return new StoredMarketSource(dataSource, dataset, symbols, fromMs, toMs, options);
    }

    public async Task RunAsync(ChannelWriter<MarketEvent> output, CancellationToken cancellationToken)
    {
        var status = Status.Stream("replay");
        status.State = StreamState.Connecting;
        try
        {
            await using var reader = Reader = await StoredMarketReader.OpenAsync(dataSource, Dataset, Symbols, FromMs, ToMs, options, cancellationToken).ConfigureAwait(false);
            status.State = StreamState.Connected;
            var buffer = new MarketEvent[4096];
            int n;
            while ((n = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                for (var i = 0; i < n; i++)
                {
                    if (!output.TryWrite(buffer[i]))
                    {
                        await output.WriteAsync(buffer[i], cancellationToken).ConfigureAwait(false);
                    }
                }

                status.OnFrame(Environment.TickCount64);
            }

            status.State = StreamState.Stopped;
            output.TryComplete();
        }
        catch (Exception ex)
        {
            status.State = StreamState.Failed;
            status.LastError = ex.Message;
            output.TryComplete(ex);
            throw;
        }
    }
}

/// <summary>
/// The pull side of <see cref="StoredMarketSource"/>: <see cref="ReadAsync"/> fills a caller's buffer with the next
/// merged events. Use it directly where a channel per event costs too much.
/// </summary>
public sealed class StoredMarketReader : IAsyncDisposable
{
    private readonly StoredMarketSourceOptions _options;
    private readonly long _fromMs;
    private readonly long _toMs;
    private readonly Lane[] _lanes;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _producers = [];
    private bool _refill = true;

    private StoredMarketReader(StoredMarketSourceOptions options, long fromMs, long toMs, Lane[] lanes)
    {
        _options = options;
        _fromMs = fromMs;
        _toMs = toMs;
        _lanes = lanes;
    }

    /// <summary>Trades handed to the consumer so far.</summary>
    public long Trades { get; private set; }

    /// <summary>Feature readings handed to the consumer so far.</summary>
    public long Features { get; private set; }

    /// <summary>Most trade chunks any one symbol ever had allocated (in its queue, being filled or being merged).</summary>
    public int MaxChunksAllocated => _lanes.Max(l => l.TradeChunksAllocated);

    /// <summary>Checks the range per symbol and starts the readers (one per symbol for trades, one for features).</summary>
    public static async Task<StoredMarketReader> OpenAsync(
        NpgsqlDataSource dataSource, DatasetInfo dataset, IReadOnlyList<string> symbols, long fromMs, long toMs, StoredMarketSourceOptions? options, CancellationToken cancellationToken)
    {
        options ??= new StoredMarketSourceOptions();
        if (symbols.Count == 0)
        {
            throw new ArgumentException("no symbols to replay", nameof(symbols));
        }

        if (fromMs >= toMs)
        {
            throw new ArgumentException($"empty replay range [{Iso(fromMs)}, {Iso(toMs)})", nameof(toMs));
        }

        var ordered = symbols.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(AggTradeCopy.CheckSymbol).ToArray();

        // Archived days come from their files, the rest from PostgreSQL (by the manifest: never both).
        var archived = options.UseArchive
            ? await new ArchiveManifest(dataSource).ListAsync(dataset.Id, ordered, fromMs, toMs, cancellationToken).ConfigureAwait(false)
            : [];
        var ranges = new IReadOnlyList<TradeSegment>[ordered.Length];
        await using (var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < ordered.Length; i++)
            {
                ranges[i] = await TradeHistoryPlan.PlanAsync(conn, dataset.Id, ordered[i], archived, fromMs, toMs, cancellationToken).ConfigureAwait(false);
            }
        }

        if (ranges.Any(r => r.Count == 0))
        {
            var stored = await new DatasetCatalog(dataSource).RangesAsync(dataset.Id, cancellationToken).ConfigureAwait(false);
            var missing = ordered.Where((_, i) => ranges[i].Count == 0);
            var existing = ordered.Select(s => stored.FirstOrDefault(r => r.Symbol == s) is { } r
                ? string.Create(CultureInfo.InvariantCulture, $"{s} {Iso(r.FirstTimeMs)} – {Iso(r.LastTimeMs)} ({r.Trades} trades)")
                : $"{s} none");
            var archive = options.UseArchive ? await ArchivedRangesAsync(dataSource, dataset.Id, ordered, cancellationToken).ConfigureAwait(false) : "";
            throw new ReplayRangeException(
                $"dataset '{dataset.Name}' has no trades of {string.Join(", ", missing)} in [{Iso(fromMs)}, {Iso(toMs)}); stored: {string.Join("; ", existing)}{archive}");
        }

        var lanes = ordered.Select((s, i) => new Lane(s, i, options)).ToArray();
        var reader = new StoredMarketReader(options, fromMs, toMs, lanes);
        foreach (var lane in lanes)
        {
            reader._producers.Add(reader.ProduceTradesAsync(dataSource, dataset.Id, lane, ranges[lane.Rank], options.ArchiveRoot));
            reader._producers.Add(reader.ProduceFeaturesAsync(dataSource, dataset.Id, lane));
        }

        return reader;
    }

    /// <summary>"; archived: SYM first – last (N trades)" for the symbols with archived days, or "".</summary>
    private static async Task<string> ArchivedRangesAsync(NpgsqlDataSource dataSource, int datasetId, IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        var entries = await new ArchiveManifest(dataSource).ListAsync(datasetId, symbols, 0, long.MaxValue / 2, cancellationToken).ConfigureAwait(false);
        var parts = entries.GroupBy(e => e.Symbol, StringComparer.Ordinal).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.Key} {Iso(g.Min(e => e.File.FirstTimeMs))} – {Iso(g.Max(e => e.File.LastTimeMs))} ({g.Sum(e => e.File.Rows)} trades)")).ToList();
        return parts.Count == 0 ? "" : "; archived: " + string.Join("; ", parts);
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private async Task ProduceTradesAsync(NpgsqlDataSource dataSource, int datasetId, Lane lane, IReadOnlyList<TradeSegment> segments, string? archiveRoot)
    {
        await Task.Yield();
        try
        {
            await TradeHistoryPlan.ReadAsync(
                dataSource,
                datasetId,
                lane.Symbol,
                segments,
                long.MaxValue,
                archiveRoot,
                lane.RentTradeChunk,
                (chunk, count) => lane.TradeQueue.Writer.WriteAsync(new TradeChunk(chunk, count), _stop.Token),
                _stop.Token).ConfigureAwait(false);
            lane.TradeQueue.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            lane.TradeQueue.Writer.TryComplete(ex);
        }
    }

    private async Task ProduceFeaturesAsync(NpgsqlDataSource dataSource, int datasetId, Lane lane)
    {
        await Task.Yield();
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(_stop.Token).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand("""
                SELECT indicator_type, timestamp_ms, value ->> 'value' FROM market_indicators
                WHERE dataset_id = $1 AND symbol = $2 AND timestamp_ms >= $3 AND timestamp_ms < $4
                ORDER BY timestamp_ms, id
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lane.Symbol });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _fromMs });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _toMs });
            await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, _stop.Token).ConfigureAwait(false);
            var chunk = new FeatureReading[_options.ChunkFeatures];
            var count = 0;
            while (await reader.ReadAsync(_stop.Token).ConfigureAwait(false))
            {
                var type = reader.GetString(0);
                var time = reader.GetInt64(1);
                double? value = reader.IsDBNull(2) ? null : double.Parse(reader.GetString(2), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (!FeatureKeys.TryParse(type, out var key))
                {
                    continue;
                }

                chunk[count++] = new FeatureReading(lane.Symbol, key, value, time);
                if (count == chunk.Length)
                {
                    await lane.FeatureQueue.Writer.WriteAsync(new FeatureChunk(chunk, count), _stop.Token).ConfigureAwait(false);
                    chunk = new FeatureReading[_options.ChunkFeatures];
                    count = 0;
                }
            }

            if (count > 0)
            {
                await lane.FeatureQueue.Writer.WriteAsync(new FeatureChunk(chunk, count), _stop.Token).ConfigureAwait(false);
            }

            lane.FeatureQueue.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            lane.FeatureQueue.Writer.TryComplete(ex);
        }
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> with the next events in replay order; returns how many (0 = the range is done).
    /// A reader failure (database, cancellation) is rethrown here.
    /// </summary>
    public async ValueTask<int> ReadAsync(MarketEvent[] buffer, CancellationToken cancellationToken = default)
    {
        const int TradeKind = 1 << 16; // order key below the time: kind (feature 0, trade 1), then symbol rank
        var n = 0;
        var lanes = _lanes;
        while (n < buffer.Length)
        {
            if (_refill)
            {
                // Load the next chunk of every exhausted head (asynchronously only when its queue is empty).
                foreach (var lane in lanes)
                {
                    if (lane.TradePos == lane.TradeCount && !lane.TradesDone)
                    {
                        await lane.NextTradesAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (lane.FeaturePos == lane.FeatureCount && !lane.FeaturesDone)
                    {
                        await lane.NextFeaturesAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                _refill = false;
            }

            // One pass: the earliest head and the runner-up, by (time, kind, symbol rank).
            Lane? best = null;
            var bestFeature = false;
            long bestTime = long.MaxValue, nextTime = long.MaxValue;
            int bestKey = int.MaxValue, nextKey = int.MaxValue;
            foreach (var lane in lanes)
            {
                if (lane.FeaturePos < lane.FeatureCount)
                {
                    var t = lane.FeatureChunk[lane.FeaturePos].TimeMs;
                    var k = lane.Rank;
                    if (t < bestTime || (t == bestTime && k < bestKey))
                    {
                        (nextTime, nextKey) = (bestTime, bestKey);
                        (best, bestFeature, bestTime, bestKey) = (lane, true, t, k);
                    }
                    else if (t < nextTime || (t == nextTime && k < nextKey))
                    {
                        (nextTime, nextKey) = (t, k);
                    }
                }

                if (lane.TradePos < lane.TradeCount)
                {
                    var t = lane.TradeChunk[lane.TradePos].TimeMs;
                    var k = TradeKind | lane.Rank;
                    if (t < bestTime || (t == bestTime && k < bestKey))
                    {
                        (nextTime, nextKey) = (bestTime, bestKey);
                        (best, bestFeature, bestTime, bestKey) = (lane, false, t, k);
                    }
                    else if (t < nextTime || (t == nextTime && k < nextKey))
                    {
                        (nextTime, nextKey) = (t, k);
                    }
                }
            }

            if (best is null)
            {
                break;
            }

            // Emit the best head's run while it stays before the runner-up (no rescans in between).
            if (bestFeature)
            {
                var chunk = best.FeatureChunk;
                var pos = best.FeaturePos;
                var start = pos;
                do
                {
                    ref readonly var f = ref chunk[pos++];
                    buffer[n++] = MarketEvent.ForFeature(best.Symbol, f.Key, f.Value, f.TimeMs);
                }
                while (n < buffer.Length && pos < best.FeatureCount && (chunk[pos].TimeMs < nextTime || (chunk[pos].TimeMs == nextTime && bestKey < nextKey)));

                Features += pos - start;
                best.FeaturePos = pos;
                _refill |= pos == best.FeatureCount;
            }
            else
            {
                var chunk = best.TradeChunk;
                var pos = best.TradePos;
                var start = pos;
                var end = best.TradeCount;
                var symbol = best.Symbol;
                do
                {
                    buffer[n++] = MarketEvent.ForTrade(symbol, chunk[pos++]);
                }
                while (n < buffer.Length && pos < end && (chunk[pos].TimeMs < nextTime || (chunk[pos].TimeMs == nextTime && bestKey < nextKey)));

                Trades += pos - start;
                best.TradePos = pos;
                if (pos == end)
                {
                    best.ReturnTradeChunk();
                    _refill = true;
                }
            }
        }

        return n;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var lane in _lanes)
        {
            // Unblock producers waiting for queue space; their data is no longer wanted.
            while (lane.TradeQueue.Reader.TryRead(out _))
            {
            }

            while (lane.FeatureQueue.Reader.TryRead(out _))
            {
            }
        }

        await Task.WhenAll(_producers).ConfigureAwait(false);
        _stop.Dispose();
    }

    private readonly record struct TradeChunk(AggTrade[] Items, int Count);

    private readonly record struct FeatureChunk(FeatureReading[] Items, int Count);

    /// <summary>One symbol: its trade and feature queues and the heads the merge is reading.</summary>
    private sealed class Lane(string symbol, int rank, StoredMarketSourceOptions options)
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<AggTrade[]> _free = new();
        private int _allocated;

        public string Symbol { get; } = symbol;

        public int Rank { get; } = rank;

        public Channel<TradeChunk> TradeQueue { get; } = Channel.CreateBounded<TradeChunk>(
            new BoundedChannelOptions(options.ChunksAhead) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        public Channel<FeatureChunk> FeatureQueue { get; } = Channel.CreateBounded<FeatureChunk>(
            new BoundedChannelOptions(options.ChunksAhead) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        public AggTrade[] TradeChunk = [];
        public int TradePos;
        public int TradeCount;
        public bool TradesDone;

        public FeatureReading[] FeatureChunk = [];
        public int FeaturePos;
        public int FeatureCount;
        public bool FeaturesDone;

        public int TradeChunksAllocated => Volatile.Read(ref _allocated);

        public AggTrade[] RentTradeChunk()
        {
            if (_free.TryDequeue(out var chunk))
            {
                return chunk;
            }

            Interlocked.Increment(ref _allocated);
            return new AggTrade[options.ChunkTrades];
        }

        public void ReturnTradeChunk()
        {
            if (TradeChunk.Length > 0)
            {
                _free.Enqueue(TradeChunk);
            }

            TradeChunk = [];
            TradePos = TradeCount = 0;
        }

        public async ValueTask NextTradesAsync(CancellationToken cancellationToken)
        {
            ReturnTradeChunk();
            var reader = TradeQueue.Reader;
            while (true)
            {
                if (reader.TryRead(out var next))
                {
                    (TradeChunk, TradeCount, TradePos) = (next.Items, next.Count, 0);
                    return;
                }

                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    await reader.Completion.ConfigureAwait(false); // rethrows the producer's failure
                    TradesDone = true;
                    return;
                }
            }
        }

        public async ValueTask NextFeaturesAsync(CancellationToken cancellationToken)
        {
            var reader = FeatureQueue.Reader;
            while (true)
            {
                if (reader.TryRead(out var next))
                {
                    (FeatureChunk, FeatureCount, FeaturePos) = (next.Items, next.Count, 0);
                    return;
                }

                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    await reader.Completion.ConfigureAwait(false);
                    (FeatureChunk, FeatureCount, FeaturePos) = ([], 0, 0);
                    FeaturesDone = true;
                    return;
                }
            }
        }
    }
}

/// <summary>The stored events of a dataset as a <see cref="MarketEventReader"/> (parity replay, backtests).</summary>
public static class StoredMarketEvents
{
    public static MarketEventReader For(NpgsqlDataSource dataSource, DatasetInfo dataset, StoredMarketSourceOptions? options = null) =>
        (symbols, from, to, ct) => ReadAsync(dataSource, dataset, symbols, from, to, options, ct);

    private static IAsyncEnumerable<MarketEvent> ReadAsync(
        NpgsqlDataSource dataSource, DatasetInfo dataset, IReadOnlyList<string> symbols, long from, long to, StoredMarketSourceOptions? options, CancellationToken ct) =>
        new Events(token => StoredMarketReader.OpenAsync(dataSource, dataset, symbols, from, to, options, token), ct);

    /// <summary>
    /// The merged events as an async sequence. Hand-written rather than an async iterator: an event already in the
    /// buffer is handed out with a completed ValueTask and no state machine, which keeps the per-event cost of
    /// consumers that pull one event at a time (backtests) a few nanoseconds.
    /// </summary>
    private sealed class Events(Func<CancellationToken, Task<StoredMarketReader>> open, CancellationToken ct) : IAsyncEnumerable<MarketEvent>
    {
        public IAsyncEnumerator<MarketEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(open, ct, cancellationToken);

        private sealed class Enumerator : IAsyncEnumerator<MarketEvent>
        {
            private readonly MarketEvent[] _buffer = new MarketEvent[4096];
            private readonly Func<CancellationToken, Task<StoredMarketReader>> _open;
            private readonly CancellationTokenSource? _linked;
            private readonly CancellationToken _token;
            private StoredMarketReader? _reader;
            private int _pos = -1;
            private int _count;
            private bool _done;

            public Enumerator(Func<CancellationToken, Task<StoredMarketReader>> open, CancellationToken first, CancellationToken second)
            {
                _open = open;
                _linked = first.CanBeCanceled && second.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(first, second) : null;
                _token = _linked?.Token ?? (second.CanBeCanceled ? second : first);
            }

            public MarketEvent Current => _buffer[_pos];

            public ValueTask<bool> MoveNextAsync() => ++_pos < _count ? new ValueTask<bool>(true) : FillAsync();

            private async ValueTask<bool> FillAsync()
            {
                if (_done)
                {
                    return false;
                }

                _reader ??= await _open(_token).ConfigureAwait(false);
                _count = await _reader.ReadAsync(_buffer, _token).ConfigureAwait(false);
                _pos = 0;
                _done = _count == 0;
                return !_done;
            }

            public async ValueTask DisposeAsync()
            {
                if (_reader is not null)
                {
                    await _reader.DisposeAsync().ConfigureAwait(false);
                }

                _linked?.Dispose();
            }
        }
    }
}
