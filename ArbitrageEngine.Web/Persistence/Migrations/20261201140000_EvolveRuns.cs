using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ArbitrageEngine.Web.Persistence.Migrations
{
    /// <summary>
    /// Auto-evolve (evolve.md §7): one row per run with its reports (Markdown and JSON), and one row per Beijing date
    /// the schedule has handled. The partial unique index is the database's guarantee that at most one unforced apply
    /// per date is running or has succeeded; the schedule's primary key that a date is claimed by one process only.
    /// </summary>
    [DbContext(typeof(ArbitrageDbContext))]
    [Migration("20261201140000_EvolveRuns")]
    public partial class EvolveRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE evolve_runs (
                    run_id uuid PRIMARY KEY,
                    beijing_date date NOT NULL,
                    mode text NOT NULL CHECK (mode IN ('dry_run', 'apply')),
                    trigger text NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'cli', 'api')),
                    forced boolean NOT NULL DEFAULT false,
                    status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'missed')),
                    actor text NOT NULL,
                    started_at timestamptz NOT NULL,
                    finished_at timestamptz,
                    created_count integer NOT NULL DEFAULT 0,
                    retired_count integer NOT NULL DEFAULT 0,
                    summary text,
                    error text,
                    report_md text,
                    report_json jsonb
                );
                CREATE INDEX ix_evolve_runs_started ON evolve_runs (started_at DESC);
                CREATE UNIQUE INDEX ux_evolve_runs_apply_per_date ON evolve_runs (beijing_date)
                    WHERE mode = 'apply' AND NOT forced AND status IN ('running', 'succeeded');

                CREATE TABLE evolve_schedule (
                    beijing_date date PRIMARY KEY,
                    status text NOT NULL CHECK (status IN ('claimed', 'done', 'failed', 'missed')),
                    run_id uuid REFERENCES evolve_runs (run_id),
                    claimed_at timestamptz NOT NULL DEFAULT now(),
                    note text
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS evolve_schedule;
                DROP TABLE IF EXISTS evolve_runs;
                """);
        }
    }
}
