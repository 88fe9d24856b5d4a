using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// One-minute bars per dataset and symbol, maintained as trades are stored (MarketBarStore): OHLC, taker buy/sell
    /// volume and quote volume, trade count, the first/last agg id (so later trades of the same minute merge
    /// exactly) and the whale flow of the minute (trades of at least the symbol's whale threshold, engine.md §3).
    /// Volumes are numeric: sums of the stored doubles (15 significant digits, i.e. the exchange's decimals) are exact
    /// and independent of the order trades arrive in. Higher intervals are derived from these rows in SQL.
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261201100000_MarketBars")]
    public partial class MarketBars : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE market_bars_1m (
                    dataset_id int NOT NULL,
                    symbol text NOT NULL,
                    open_ms bigint NOT NULL,
                    open double precision NOT NULL,
                    high double precision NOT NULL,
                    low double precision NOT NULL,
                    close double precision NOT NULL,
                    buy_qty numeric NOT NULL,
                    sell_qty numeric NOT NULL,
                    buy_quote numeric NOT NULL,
                    sell_quote numeric NOT NULL,
                    trades bigint NOT NULL,
                    cvd_delta numeric GENERATED ALWAYS AS (buy_qty - sell_qty) STORED,
                    vwap_num numeric GENERATED ALWAYS AS (buy_quote + sell_quote) STORED,
                    first_agg_id bigint NOT NULL,
                    last_agg_id bigint NOT NULL,
                    max_trade_usd double precision NOT NULL,
                    whale_buy_usd numeric NOT NULL,
                    whale_sell_usd numeric NOT NULL,
                    whale_trades int NOT NULL,
                    PRIMARY KEY (dataset_id, symbol, open_ms)
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS market_bars_1m;");
        }
    }
}
