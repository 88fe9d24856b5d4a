using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// The engine loop's journal (backtest.md §2, §9): every start of the loop with its warm-up and strategies, every
    /// tick evaluated or skipped, and the command log (pending until the loop applies a command at a tick or at the
    /// start of a session). <c>paper_trades.tp1_agg_id</c> remembers the trade that hit TP1, so after a restart only
    /// later trades act on the position.
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261130140000_EngineJournal")]
    public partial class EngineJournal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE paper_trades ADD COLUMN tp1_agg_id bigint;
                ALTER TABLE paper_trades ADD COLUMN balance_after numeric(20, 8);

                CREATE TABLE engine_sessions (
                    session_id uuid PRIMARY KEY,
                    started_ms bigint NOT NULL,
                    started_at timestamptz NOT NULL DEFAULT now(),
                    warmup jsonb NOT NULL,
                    strategies jsonb NOT NULL,
                    applied_commands uuid[] NOT NULL DEFAULT '{}'
                );
                CREATE INDEX ix_engine_sessions_started ON engine_sessions (started_ms);

                CREATE TABLE engine_ticks (
                    tick_ms bigint PRIMARY KEY,
                    session_id uuid NOT NULL,
                    evaluated int NOT NULL,
                    skipped_reason text,
                    recorded_at timestamptz NOT NULL DEFAULT now()
                );

                CREATE TABLE engine_commands (
                    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                    command_id uuid PRIMARY KEY,
                    kind text NOT NULL,
                    strategy_id uuid NOT NULL,
                    payload jsonb NOT NULL,
                    actor text,
                    requested_at timestamptz NOT NULL DEFAULT now(),
                    applied_tick_ms bigint,
                    applied_session uuid,
                    rejected_reason text
                );
                CREATE INDEX ix_engine_commands_applied ON engine_commands (applied_tick_ms);
                CREATE TABLE persistence_dead_letters (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    kind text NOT NULL,
                    payload jsonb NOT NULL,
                    error text NOT NULL,
                    attempts int NOT NULL,
                    failed_at timestamptz NOT NULL DEFAULT now()
                );

                CREATE INDEX ix_engine_commands_pending ON engine_commands (seq) WHERE applied_tick_ms IS NULL AND applied_session IS NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS persistence_dead_letters;
                DROP TABLE IF EXISTS engine_commands;
                DROP TABLE IF EXISTS engine_ticks;
                DROP TABLE IF EXISTS engine_sessions;
                ALTER TABLE paper_trades DROP COLUMN IF EXISTS tp1_agg_id;
                ALTER TABLE paper_trades DROP COLUMN IF EXISTS balance_after;
                """);
        }
    }
}
