using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// Market data written by binary COPY outside EF (no entities): feature readings, liquidations, funding
    /// snapshots, each indexed for time-range reads per symbol.
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261126111000_MarketDataTables")]
    public partial class MarketDataTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE market_indicators (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    symbol text NOT NULL,
                    indicator_type text NOT NULL,
                    timestamp_ms bigint NOT NULL,
                    value jsonb NOT NULL
                );
                CREATE INDEX ix_market_indicators_symbol_ts ON market_indicators (symbol, timestamp_ms);

                CREATE TABLE liquidations (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    symbol text NOT NULL,
                    time_ms bigint NOT NULL,
                    side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
                    price double precision NOT NULL,
                    qty double precision NOT NULL,
                    usd double precision NOT NULL
                );
                CREATE INDEX ix_liquidations_symbol_time ON liquidations (symbol, time_ms);

                CREATE TABLE funding_snapshots (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    symbol text NOT NULL,
                    ts bigint NOT NULL,
                    mark_price double precision NOT NULL,
                    index_price double precision NOT NULL,
                    funding_rate double precision NOT NULL,
                    next_funding_time bigint NOT NULL
                );
                CREATE INDEX ix_funding_snapshots_symbol_ts ON funding_snapshots (symbol, ts);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS funding_snapshots;
                DROP TABLE IF EXISTS liquidations;
                DROP TABLE IF EXISTS market_indicators;
                """);
        }
    }
}
