using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
{
    /// <summary>
    /// How many tasks carry each tag, and each pair of tags, kept by triggers on TaskTags, so that the exact total of
    /// an any-of-one-or-two-tags list is three key lookups (<c>|A ∪ B| = |A| + |B| − |A ∩ B|</c>) instead of a walk over
    /// every matching index entry (30-40 ms once a quarter of a million tasks match). Triggers rather than application
    /// code, so that no path that adds or removes tag rows (creates, retries, re-runs, the purge's cascade, manual SQL)
    /// can leave a count stale; they run in the writer's transaction, so a count is exact in every snapshot.
    /// A task's tags never change after it is created, so only inserts and deletes count. A task with k tags costs
    /// k + k(k−1)/2 counter updates when it is created and when it is deleted. Neither table is in the EF model:
    /// nothing but these triggers writes them, and only <c>AnyTagCount</c> reads them. A migration that rebuilds
    /// TaskTags drops its triggers and must create them again.
    /// </summary>
    public partial class AnyTagCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "TagCounts" (
                    "Tag" TEXT NOT NULL PRIMARY KEY,
                    "Count" INTEGER NOT NULL
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "TagPairCounts" (
                    "Tag1" TEXT NOT NULL,
                    "Tag2" TEXT NOT NULL,
                    "Count" INTEGER NOT NULL,
                    PRIMARY KEY ("Tag1", "Tag2")
                ) WITHOUT ROWID;
                """);
            // A pair is stored once, its tags in SQLite's binary order (Tag1 < Tag2).
            migrationBuilder.Sql("""
                INSERT INTO "TagCounts" ("Tag", "Count")
                SELECT "Tag", COUNT(*) FROM "TaskTags" GROUP BY "Tag";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "TagPairCounts" ("Tag1", "Tag2", "Count")
                SELECT "A"."Tag", "B"."Tag", COUNT(*) FROM "TaskTags" AS "A"
                JOIN "TaskTags" AS "B" ON "B"."TaskId" = "A"."TaskId" AND "A"."Tag" < "B"."Tag"
                GROUP BY "A"."Tag", "B"."Tag";
                """);
            // A new tag row pairs with the task's rows already there, so each pair is counted once, when its second
            // tag arrives; a deleted row unpairs from the rows still there, so each pair is uncounted once, when its
            // first tag goes. Counts that reach zero are removed, so the tables hold only tags and pairs in use.
            migrationBuilder.Sql("""
                CREATE TRIGGER "TagCounts_TagAdded" AFTER INSERT ON "TaskTags"
                BEGIN
                    INSERT INTO "TagCounts" ("Tag", "Count") VALUES (NEW."Tag", 1)
                        ON CONFLICT ("Tag") DO UPDATE SET "Count" = "Count" + 1;
                    INSERT INTO "TagPairCounts" ("Tag1", "Tag2", "Count")
                        SELECT CASE WHEN NEW."Tag" < "Other"."Tag" THEN NEW."Tag" ELSE "Other"."Tag" END,
                               CASE WHEN NEW."Tag" < "Other"."Tag" THEN "Other"."Tag" ELSE NEW."Tag" END, 1
                        FROM "TaskTags" AS "Other"
                        WHERE "Other"."TaskId" = NEW."TaskId" AND "Other"."Tag" <> NEW."Tag"
                        ON CONFLICT ("Tag1", "Tag2") DO UPDATE SET "Count" = "Count" + 1;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "TagCounts_TagRemoved" AFTER DELETE ON "TaskTags"
                BEGIN
                    UPDATE "TagCounts" SET "Count" = "Count" - 1 WHERE "Tag" = OLD."Tag";
                    DELETE FROM "TagCounts" WHERE "Tag" = OLD."Tag" AND "Count" <= 0;
                    UPDATE "TagPairCounts" SET "Count" = "Count" - 1
                        WHERE ("Tag1", "Tag2") IN (
                            SELECT CASE WHEN OLD."Tag" < "Other"."Tag" THEN OLD."Tag" ELSE "Other"."Tag" END,
                                   CASE WHEN OLD."Tag" < "Other"."Tag" THEN "Other"."Tag" ELSE OLD."Tag" END
                            FROM "TaskTags" AS "Other"
                            WHERE "Other"."TaskId" = OLD."TaskId" AND "Other"."Tag" <> OLD."Tag");
                    DELETE FROM "TagPairCounts"
                        WHERE "Count" <= 0 AND ("Tag1", "Tag2") IN (
                            SELECT CASE WHEN OLD."Tag" < "Other"."Tag" THEN OLD."Tag" ELSE "Other"."Tag" END,
                                   CASE WHEN OLD."Tag" < "Other"."Tag" THEN "Other"."Tag" ELSE OLD."Tag" END
                            FROM "TaskTags" AS "Other"
                            WHERE "Other"."TaskId" = OLD."TaskId" AND "Other"."Tag" <> OLD."Tag");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TagCounts_TagRemoved";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "TagCounts_TagAdded";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "TagPairCounts";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "TagCounts";""");
        }
    }
}
