using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// Saved backtest runs (backtest.md §6–7): the durable queue and run header (<c>backtest_runs</c>, claimed by the
    /// worker with FOR UPDATE SKIP LOCKED), per-strategy results with their §6.4 statistics and equity curves, the
    /// paper trades of each run and the walk-forward windows. Results are written with binary COPY; everything hangs
    /// off the run and goes with it (ON DELETE CASCADE).
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261201130000_BacktestRuns")]
    public partial class BacktestRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE backtest_runs (
                    run_id uuid PRIMARY KEY,
                    owner_id text NOT NULL,
                    owner_name text NOT NULL,
                    kind text NOT NULL CHECK (kind IN ('backtest', 'walkforward', 'preview')),
                    status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                    spec jsonb NOT NULL,
                    dataset text NOT NULL,
                    from_ms bigint NOT NULL,
                    to_ms bigint NOT NULL,
                    symbols text[] NOT NULL,
                    strategy_count int NOT NULL,
                    progress_pct double precision NOT NULL DEFAULT 0,
                    simulated_ms bigint,
                    trades_per_s double precision,
                    eta_s double precision,
                    trades_replayed bigint NOT NULL DEFAULT 0,
                    evaluations bigint NOT NULL DEFAULT 0,
                    ticks bigint NOT NULL DEFAULT 0,
                    trade_count int NOT NULL DEFAULT 0,
                    cancel_requested boolean NOT NULL DEFAULT false,
                    error text,
                    summary jsonb,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    started_at timestamptz,
                    finished_at timestamptz,
                    duration_s double precision
                );
                CREATE INDEX ix_backtest_runs_queue ON backtest_runs (created_at) WHERE status = 'queued';
                CREATE INDEX ix_backtest_runs_owner ON backtest_runs (owner_id, status);
                CREATE INDEX ix_backtest_runs_created ON backtest_runs (created_at DESC);

                CREATE TABLE backtest_strategies (
                    run_id uuid NOT NULL REFERENCES backtest_runs (run_id) ON DELETE CASCADE,
                    ordinal int NOT NULL,
                    strategy_id uuid NOT NULL,
                    name text NOT NULL,
                    symbol text NOT NULL,
                    definition jsonb NOT NULL,
                    stats jsonb NOT NULL,
                    trade_count int NOT NULL,
                    win_rate double precision NOT NULL,
                    net_r double precision NOT NULL,
                    net_usdt double precision NOT NULL,
                    max_drawdown_r double precision NOT NULL,
                    evaluations bigint NOT NULL,
                    signals_taken int NOT NULL,
                    signals_rejected jsonb NOT NULL,
                    equity_ms bigint[] NOT NULL,
                    equity_r double precision[] NOT NULL,
                    equity_usdt double precision[] NOT NULL,
                    PRIMARY KEY (run_id, ordinal)
                );

                CREATE TABLE backtest_trades (
                    run_id uuid NOT NULL REFERENCES backtest_runs (run_id) ON DELETE CASCADE,
                    seq int NOT NULL,
                    strategy_id uuid NOT NULL,
                    position_id bigint NOT NULL,
                    symbol text NOT NULL,
                    direction text NOT NULL,
                    status text NOT NULL,
                    tier text NOT NULL,
                    score double precision NOT NULL,
                    entry double precision NOT NULL,
                    entry_ms bigint NOT NULL,
                    sl double precision NOT NULL,
                    tp1 double precision NOT NULL,
                    tp2 double precision NOT NULL,
                    stop double precision NOT NULL,
                    atr double precision NOT NULL,
                    risk_usd double precision NOT NULL,
                    tp1_hit boolean NOT NULL,
                    tp1_ms bigint,
                    exit_price double precision,
                    exit_ms bigint,
                    gross_r double precision,
                    fee_r double precision,
                    pnl_r double precision,
                    pnl_usdt double precision,
                    balance_after double precision,
                    PRIMARY KEY (run_id, seq)
                );

                CREATE TABLE backtest_windows (
                    run_id uuid NOT NULL REFERENCES backtest_runs (run_id) ON DELETE CASCADE,
                    window_index int NOT NULL,
                    train_from_ms bigint NOT NULL,
                    train_to_ms bigint NOT NULL,
                    test_from_ms bigint NOT NULL,
                    test_to_ms bigint NOT NULL,
                    chosen jsonb NOT NULL,
                    is_fitness double precision NOT NULL,
                    oos_fitness double precision NOT NULL,
                    is_net_r double precision NOT NULL,
                    oos_net_r double precision NOT NULL,
                    is_win_rate double precision NOT NULL,
                    oos_win_rate double precision NOT NULL,
                    is_trades int NOT NULL,
                    oos_trades int NOT NULL,
                    PRIMARY KEY (run_id, window_index)
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS backtest_windows;
                DROP TABLE IF EXISTS backtest_trades;
                DROP TABLE IF EXISTS backtest_strategies;
                DROP TABLE IF EXISTS backtest_runs;
                """);
        }
    }
}
