using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// The manifest of the trade archive (backtest.md §8): one row per archived UTC day of a symbol of a dataset, with
    /// the file (root + path under it) and what it must hold (rows, bytes, first/last agg id and time, SHA-256). Replay
    /// reads archived days from their files and the rest from <c>agg_trades</c>.
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261201120000_TradeArchive")]
    public partial class TradeArchive : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE archive_files (
                    dataset_id int NOT NULL REFERENCES datasets (dataset_id),
                    symbol text NOT NULL,
                    day date NOT NULL,
                    root text NOT NULL,
                    path text NOT NULL,
                    rows bigint NOT NULL,
                    bytes bigint NOT NULL,
                    first_agg_id bigint NOT NULL,
                    last_agg_id bigint NOT NULL,
                    first_time_ms bigint NOT NULL,
                    last_time_ms bigint NOT NULL,
                    checksum text NOT NULL,
                    written_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (dataset_id, symbol, day)
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS archive_files;");
        }
    }
}
