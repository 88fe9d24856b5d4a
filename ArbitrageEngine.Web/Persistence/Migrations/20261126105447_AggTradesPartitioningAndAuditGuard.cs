using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// Raw SQL the model cannot express: the monthly range-partitioned <c>agg_trades</c> table with a default
    /// partition and <c>ensure_agg_trades_partition(month_start_ms)</c>, and a trigger keeping <c>audit_log</c> append-only.
    /// </summary>
    public partial class AggTradesPartitioningAndAuditGuard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE agg_trades (
                    symbol text NOT NULL,
                    agg_id bigint NOT NULL,
                    time_ms bigint NOT NULL,
                    price double precision NOT NULL,
                    qty double precision NOT NULL,
                    is_buyer_maker boolean NOT NULL,
                    PRIMARY KEY (symbol, agg_id, time_ms)
                ) PARTITION BY RANGE (time_ms);

                CREATE TABLE agg_trades_default PARTITION OF agg_trades DEFAULT;

                -- Creates the partition holding the UTC calendar month that starts at month_start_ms (any instant
                -- inside the month is accepted and rounded down). Returns the partition name. Idempotent.
                CREATE OR REPLACE FUNCTION ensure_agg_trades_partition(month_start_ms bigint)
                RETURNS text
                LANGUAGE plpgsql
                AS $fn$
                DECLARE
                    month_start timestamptz := date_trunc('month', to_timestamp(month_start_ms / 1000.0) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
                    from_ms bigint := (extract(epoch FROM month_start) * 1000)::bigint;
                    to_ms bigint := (extract(epoch FROM month_start + interval '1 month') * 1000)::bigint;
                    part text := 'agg_trades_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
                BEGIN
                    IF to_regclass(part) IS NULL THEN
                        EXECUTE format('CREATE TABLE %I PARTITION OF agg_trades FOR VALUES FROM (%s) TO (%s)', part, from_ms, to_ms);
                    END IF;
                    RETURN part;
                END
                $fn$;

                CREATE OR REPLACE FUNCTION audit_log_append_only()
                RETURNS trigger
                LANGUAGE plpgsql
                AS $fn$
                BEGIN
                    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
                END
                $fn$;

                CREATE TRIGGER audit_log_no_update_delete
                    BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

                CREATE TRIGGER audit_log_no_truncate
                    BEFORE TRUNCATE ON audit_log
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
                DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log;
                DROP FUNCTION IF EXISTS audit_log_append_only();
                DROP FUNCTION IF EXISTS ensure_agg_trades_partition(bigint);
                DROP TABLE IF EXISTS agg_trades;
                """);
        }
    }
}
