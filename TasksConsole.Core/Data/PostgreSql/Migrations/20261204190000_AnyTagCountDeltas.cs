using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.PostgreSql.Migrations
{
    /// <summary>
    /// How many tasks carry each tag and each pair of tags, so that the exact total of an any-of-one-or-two-tags list
    /// is a few index lookups (<c>|A ∪ B| = |A| + |B| − |A ∩ B|</c>) instead of counting every matching index entry
    /// (100-200 ms once a quarter of a million tasks match). SQLite keeps one counter row per tag (see its
    /// AnyTagCounts migration); here many nodes and jobs write at once, and a counter row per tag would make every
    /// create with a popular tag wait for the row lock of the one before it, and two transactions that add the same
    /// tags in a different order deadlock. So the triggers only append: each statement that adds or removes tag rows
    /// appends one signed row per tag and per pair it changed, and a count is the sum of a tag's rows.
    /// <c>TagCountCompactor</c> folds the rows of each tag into one, so a sum reads a handful of rows.
    /// Statement triggers with transition tables, so a COPY or a batch of a thousand rows appends one row per tag, and
    /// the FK cascade of a task's delete counts too. Neither table is in the EF model: nothing but these triggers and
    /// the compactor writes them, and only <c>AnyTagCount</c> reads them.
    /// </summary>
    [DbContext(typeof(PostgreSqlTasksDbContext))]
    [Migration("20261204190000_AnyTagCountDeltas")]
    public partial class AnyTagCountDeltas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "TagCountDeltas" (
                    "Id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    "Tag" text COLLATE "C" NOT NULL,
                    "Delta" bigint NOT NULL
                );
                CREATE INDEX "IX_TagCountDeltas_Tag_Delta" ON "TagCountDeltas" ("Tag", "Delta");
                CREATE TABLE "TagPairCountDeltas" (
                    "Id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    "Tag1" text COLLATE "C" NOT NULL,
                    "Tag2" text COLLATE "C" NOT NULL,
                    "Delta" bigint NOT NULL
                );
                CREATE INDEX "IX_TagPairCountDeltas_Tag1_Tag2_Delta" ON "TagPairCountDeltas" ("Tag1", "Tag2", "Delta");
                """);
            // A pair is stored under its tags in byte order (Tag1 < Tag2, the columns' "C" collation).
            migrationBuilder.Sql("""
                INSERT INTO "TagCountDeltas" ("Tag", "Delta") SELECT "Tag", COUNT(*) FROM "TaskTags" GROUP BY "Tag";
                INSERT INTO "TagPairCountDeltas" ("Tag1", "Tag2", "Delta")
                SELECT "A"."Tag", "B"."Tag", COUNT(*) FROM "TaskTags" AS "A"
                JOIN "TaskTags" AS "B" ON "B"."TaskId" = "A"."TaskId" AND "A"."Tag" < "B"."Tag"
                GROUP BY "A"."Tag", "B"."Tag";
                """);
            // Added rows pair with every other row of their task now there; a pair of two added rows is met from both
            // ends, so it is taken back once. Removed rows unpair from the rows still there, and from each other once
            // per pair. Both are joins on the task id (no per-row subquery), so a COPY of millions of rows stays linear.
            migrationBuilder.Sql("""
                CREATE FUNCTION tc_tag_rows_added() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "TagCountDeltas" ("Tag", "Delta") SELECT "Tag", COUNT(*) FROM added GROUP BY "Tag";
                    INSERT INTO "TagPairCountDeltas" ("Tag1", "Tag2", "Delta")
                    SELECT "One", "Other", SUM("Delta")
                    FROM (
                        SELECT LEAST(a."Tag", o."Tag") AS "One", GREATEST(a."Tag", o."Tag") AS "Other", 1 AS "Delta" FROM added AS a
                        JOIN "TaskTags" AS o ON o."TaskId" = a."TaskId" AND o."Tag" <> a."Tag"
                        UNION ALL
                        SELECT b."Tag", a."Tag", -1 FROM added AS a
                        JOIN added AS b ON b."TaskId" = a."TaskId" AND b."Tag" < a."Tag"
                    ) AS p
                    GROUP BY 1, 2
                    HAVING SUM("Delta") <> 0;
                    RETURN NULL;
                END $$;
                CREATE FUNCTION tc_tag_rows_removed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "TagCountDeltas" ("Tag", "Delta") SELECT "Tag", -COUNT(*) FROM removed GROUP BY "Tag";
                    INSERT INTO "TagPairCountDeltas" ("Tag1", "Tag2", "Delta")
                    SELECT LEAST(p."One", p."Other"), GREATEST(p."One", p."Other"), -COUNT(*)
                    FROM (
                        SELECT r."Tag" AS "One", o."Tag" AS "Other" FROM removed AS r
                        JOIN "TaskTags" AS o ON o."TaskId" = r."TaskId" AND o."Tag" <> r."Tag"
                        UNION ALL
                        SELECT r."Tag", s."Tag" FROM removed AS r
                        JOIN removed AS s ON s."TaskId" = r."TaskId" AND r."Tag" < s."Tag"
                    ) AS p
                    GROUP BY 1, 2;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER "TagCounts_TagsAdded" AFTER INSERT ON "TaskTags"
                    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION tc_tag_rows_added();
                CREATE TRIGGER "TagCounts_TagsRemoved" AFTER DELETE ON "TaskTags"
                    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION tc_tag_rows_removed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "TagCounts_TagsRemoved" ON "TaskTags";
                DROP TRIGGER IF EXISTS "TagCounts_TagsAdded" ON "TaskTags";
                DROP FUNCTION IF EXISTS tc_tag_rows_removed();
                DROP FUNCTION IF EXISTS tc_tag_rows_added();
                DROP TABLE IF EXISTS "TagPairCountDeltas";
                DROP TABLE IF EXISTS "TagCountDeltas";
                """);
        }
    }
}
