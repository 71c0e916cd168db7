using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.PostgreSql.Migrations
{
    /// <summary>
    /// The functions that read a value inside a task's data (<c>JsonValues</c>), for RQL on <c>data.&lt;path&gt;</c>.
    /// SQL functions, so PostgreSQL inlines them into the query; <c>path</c> is a text array literal (<c>{a,0,b}</c>).
    /// Text compares in the "C" collation, byte by byte, as every text column here and as SQLite does.
    /// No model change: the migration only adds these functions.
    /// </summary>
    [DbContext(typeof(PostgreSqlTasksDbContext))]
    [Migration("20261203150000_TaskDataSearch")]
    public partial class TaskDataSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION tc_json_type(doc text, path text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT jsonb_typeof(doc::jsonb #> path::text[]) $$;
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION tc_json_text(doc text, path text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT (doc::jsonb #>> path::text[]) COLLATE "C" $$;
                """);
            // A number is cast only where it is one: a string that is not a number would fail the whole query.
            migrationBuilder.Sql("""
                CREATE FUNCTION tc_json_number(doc text, path text) RETURNS double precision
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT CASE WHEN jsonb_typeof(doc::jsonb #> path::text[]) = 'number'
                                  THEN (doc::jsonb #>> path::text[])::double precision END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS tc_json_number(text, text);");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS tc_json_text(text, text);");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS tc_json_type(text, text);");
        }
    }
}
