using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
{
    /// <summary>
    /// Keeps the status copied into TaskTags in step with Tasks. A trigger rather than application code, so that no
    /// path that changes a task's status (engine batches, cancels, zombie cleanup, manual SQL) can leave the tag
    /// index stale. Its own migration, after the tables exist, because EF runs SQLite table rebuilds at the end of a migration.
    /// </summary>
    public partial class TagIndexFollowsStatus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER TaskTags_FollowTaskStatus AFTER UPDATE OF Status ON Tasks
                WHEN NEW.Status <> OLD.Status
                BEGIN
                    UPDATE TaskTags SET Status = NEW.Status WHERE TaskId = NEW.Id;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS TaskTags_FollowTaskStatus;");
        }
    }
}
