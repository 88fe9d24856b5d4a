using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// Settled funding-rate history (imports, REST back-fill, settlements recorded from live snapshots) and the hourly
    /// arbitrage-signal checks. Accessed with Npgsql (no entities).
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261130110000_FundingHistory")]
    public partial class FundingHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE funding_rates (
                    symbol text NOT NULL,
                    funding_time_ms bigint NOT NULL,
                    rate double precision NOT NULL,
                    interval_hours integer NOT NULL DEFAULT 8,
                    source text NOT NULL CHECK (source IN ('import', 'rest', 'snapshot')),
                    PRIMARY KEY (symbol, funding_time_ms)
                );

                CREATE TABLE funding_signal_checks (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    symbol text NOT NULL,
                    checked_ms bigint NOT NULL,
                    settlements integer NOT NULL,
                    mean_rate_7d double precision NOT NULL,
                    annualised_pct_7d double precision NOT NULL,
                    threshold_pct double precision NOT NULL,
                    signal boolean NOT NULL
                );
                CREATE INDEX ix_funding_signal_checks_symbol_checked ON funding_signal_checks (symbol, checked_ms);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS funding_signal_checks;
                DROP TABLE IF EXISTS funding_rates;
                """);
        }
    }
}
