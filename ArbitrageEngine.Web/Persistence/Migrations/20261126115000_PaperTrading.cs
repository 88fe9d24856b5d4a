using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// Paper trading and engine state, written by Npgsql outside EF (no entities): one row per position with a
    /// concurrency version and at most one active position per strategy, top-ups, every evaluation result, and
    /// the per-strategy engine state (cooldowns) needed after a restart.
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261126115000_PaperTrading")]
    public partial class PaperTrading : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE paper_trades (
                    position_id bigint PRIMARY KEY,
                    strategy_id uuid NOT NULL,
                    symbol text NOT NULL,
                    direction text NOT NULL CHECK (direction IN ('LONG', 'SHORT')),
                    score double precision NOT NULL,
                    tier text NOT NULL,
                    entry_price double precision NOT NULL,
                    entry_ts bigint NOT NULL,
                    exit_price double precision,
                    exit_ts bigint,
                    tp1 double precision NOT NULL,
                    tp2 double precision NOT NULL,
                    sl double precision NOT NULL,
                    stop double precision NOT NULL,
                    tp1_hit boolean NOT NULL DEFAULT false,
                    tp1_ts bigint,
                    status text NOT NULL CHECK (status IN ('active', 'tp1_hit', 'tp', 'sl', 'sl_be', 'timeout', 'signal_flip')),
                    pnl_r double precision,
                    gross_r double precision,
                    fee_r double precision,
                    pnl_usdt numeric(20, 8),
                    risk_usd numeric(20, 8) NOT NULL,
                    atr double precision NOT NULL,
                    rd double precision NOT NULL,
                    tp1_ratio double precision NOT NULL,
                    tp2_ratio double precision NOT NULL,
                    timeout_minutes integer NOT NULL,
                    fee_rate double precision NOT NULL,
                    factors jsonb NOT NULL,
                    strategy_snapshot jsonb NOT NULL,
                    version integer NOT NULL DEFAULT 0,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE UNIQUE INDEX ux_paper_trades_one_active ON paper_trades (strategy_id) WHERE status IN ('active', 'tp1_hit');
                CREATE INDEX ix_paper_trades_strategy_exit ON paper_trades (strategy_id, exit_ts);

                CREATE TABLE balance_events (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    strategy_id uuid NOT NULL,
                    amount numeric(20, 8) NOT NULL CHECK (amount > 0),
                    initial_balance_after numeric(20, 8) NOT NULL,
                    current_balance_after numeric(20, 8) NOT NULL,
                    actor text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX ix_balance_events_strategy ON balance_events (strategy_id, created_at);

                CREATE TABLE signal_evaluations (
                    strategy_id uuid NOT NULL,
                    ts bigint NOT NULL,
                    symbol text NOT NULL,
                    score double precision NOT NULL,
                    direction text,
                    signal text,
                    tier text,
                    gate_passed boolean,
                    gate_block text,
                    regime text,
                    result jsonb NOT NULL,
                    PRIMARY KEY (strategy_id, ts)
                );
                CREATE INDEX ix_signal_evaluations_ts ON signal_evaluations (ts);

                CREATE TABLE engine_state (
                    strategy_id uuid PRIMARY KEY,
                    last_signal_ts bigint,
                    last_run_ts bigint,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS engine_state;
                DROP TABLE IF EXISTS signal_evaluations;
                DROP TABLE IF EXISTS balance_events;
                DROP TABLE IF EXISTS paper_trades;
                """);
        }
    }
}
