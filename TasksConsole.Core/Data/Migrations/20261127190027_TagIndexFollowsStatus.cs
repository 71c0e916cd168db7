using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
{
    /// <summary>
    /// Keeps the status copied into TaskTags in step with Tasks. A trigger rather than application code, so that no
    /// path that changes a task's status (engine batches, cancels, zombie cleanup, manual SQL) can leave the tag
    /// index stale. Its own migration because SQLite table rebuilds run at the end of a migration and would drop it.
    /// </summary>
    public partial class TagIndexFollowsStatus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE TaskTags SET
                    Status = (SELECT t.Status FROM Tasks t WHERE t.Id = TaskTags.TaskId),
                    Priority = (SELECT t.Priority FROM Tasks t WHERE t.Id = TaskTags.TaskId),
                    StartTimestamp = (SELECT t.StartTimestamp FROM Tasks t WHERE t.Id = TaskTags.TaskId);
                """);
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
