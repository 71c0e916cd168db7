using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TasksConsole.Core.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Functions",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    LambdaFunctionName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Qualifier = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CodeBase64 = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    EntryPoint = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Runtime = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    TimeLimitSeconds = table.Column<int>(type: "integer", nullable: false),
                    MemoryLimitMb = table.Column<int>(type: "integer", nullable: false),
                    EnvironmentVariablesJson = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    PermissionMode = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DefaultPriority = table.Column<long>(type: "bigint", nullable: false),
                    RetryEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    ErrorsToRetry = table.Column<List<string>>(type: "text[]", nullable: false),
                    RetryDelaysSeconds = table.Column<List<int>>(type: "integer[]", nullable: false),
                    ConcurrencyLimit = table.Column<int>(type: "integer", nullable: true),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreationTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Functions", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "Schedules",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    FunctionName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DataJson = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Priority = table.Column<long>(type: "bigint", nullable: true),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    IntervalSeconds = table.Column<long>(type: "bigint", nullable: true),
                    CronExpression = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    TimeZone = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    StartTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    NextTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    LastFiredTimestamp = table.Column<long>(type: "bigint", nullable: true),
                    Paused = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreationTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Schedules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TaskFailedEvents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    TaskId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    FunctionName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ErrorType = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ErrorName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ErrorMessage = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreationTimestamp = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaskFailedEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TaskLogLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TaskId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Timestamp = table.Column<long>(type: "bigint", nullable: false),
                    Message = table.Column<string>(type: "text", nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaskLogLines", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Tasks",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false, collation: "C"),
                    FunctionName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    DataJson = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Priority = table.Column<long>(type: "bigint", nullable: false),
                    StartTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    CreationTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    StatusChangedTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedByApplicationId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ScheduleId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    RetryForTaskIds = table.Column<List<string>>(type: "text[]", nullable: false),
                    RetriedByTaskId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ErrorType = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ErrorName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ErrorMessage = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ResultJson = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ExecutionStartTimestamp = table.Column<long>(type: "bigint", nullable: true),
                    ExecutionEndTimestamp = table.Column<long>(type: "bigint", nullable: true),
                    ClaimedBy = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ClaimedTimestamp = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tasks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Tokens",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TokenHash = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ClientId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    FamilyId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedByUserId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreationTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresTimestamp = table.Column<long>(type: "bigint", nullable: true),
                    RevokedTimestamp = table.Column<long>(type: "bigint", nullable: true),
                    LastUsedTimestamp = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Users",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false, collation: "C"),
                    PasswordHash = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Disabled = table.Column<bool>(type: "boolean", nullable: false),
                    SecurityStamp = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreationTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "bigint", nullable: false),
                    LastSignInTimestamp = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Users", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TaskTags",
                columns: table => new
                {
                    TaskId = table.Column<string>(type: "character varying(24)", nullable: false, collation: "C"),
                    Tag = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Priority = table.Column<long>(type: "bigint", nullable: false),
                    StartTimestamp = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaskTags", x => new { x.TaskId, x.Tag });
                    table.ForeignKey(
                        name: "FK_TaskTags_Tasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "Tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Schedules_CreationTimestamp",
                table: "Schedules",
                column: "CreationTimestamp");

            migrationBuilder.CreateIndex(
                name: "IX_Schedules_Paused_NextTimestamp",
                table: "Schedules",
                columns: new[] { "Paused", "NextTimestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_TaskFailedEvents_CreationTimestamp",
                table: "TaskFailedEvents",
                column: "CreationTimestamp");

            migrationBuilder.CreateIndex(
                name: "IX_TaskFailedEvents_TaskId",
                table: "TaskFailedEvents",
                column: "TaskId");

            migrationBuilder.CreateIndex(
                name: "IX_TaskLogLines_TaskId_Timestamp",
                table: "TaskLogLines",
                columns: new[] { "TaskId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_ClaimedBy",
                table: "Tasks",
                column: "ClaimedBy",
                filter: "\"ClaimedBy\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_CreationTimestamp_Id",
                table: "Tasks",
                columns: new[] { "CreationTimestamp", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_FunctionName_Status",
                table: "Tasks",
                columns: new[] { "FunctionName", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_StartTimestamp_Id",
                table: "Tasks",
                columns: new[] { "StartTimestamp", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_Status_CreationTimestamp",
                table: "Tasks",
                columns: new[] { "Status", "CreationTimestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_Status_Priority_StartTimestamp",
                table: "Tasks",
                columns: new[] { "Status", "Priority", "StartTimestamp" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_Status_StartTimestamp",
                table: "Tasks",
                columns: new[] { "Status", "StartTimestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_StatusChangedTimestamp_Id",
                table: "Tasks",
                columns: new[] { "StatusChangedTimestamp", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_TaskTags_Tag_Status_Priority_StartTimestamp_TaskId",
                table: "TaskTags",
                columns: new[] { "Tag", "Status", "Priority", "StartTimestamp", "TaskId" },
                descending: new[] { false, false, true, false, false });

            migrationBuilder.CreateIndex(
                name: "IX_Tokens_ExpiresTimestamp",
                table: "Tokens",
                column: "ExpiresTimestamp");

            migrationBuilder.CreateIndex(
                name: "IX_Tokens_FamilyId",
                table: "Tokens",
                column: "FamilyId");

            migrationBuilder.CreateIndex(
                name: "IX_Tokens_TokenHash",
                table: "Tokens",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Tokens_UserId_Kind",
                table: "Tokens",
                columns: new[] { "UserId", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_Users_Email",
                table: "Users",
                column: "Email",
                unique: true);

            // Written by hand, as the SQLite migration TagIndexFollowsStatus: a task's tag rows carry its status.
            migrationBuilder.Sql("""
                CREATE FUNCTION "TaskTags_FollowTaskStatus"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE "TaskTags" SET "Status" = NEW."Status" WHERE "TaskId" = NEW."Id";
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER "TaskTags_FollowTaskStatus" AFTER UPDATE OF "Status" ON "Tasks"
                FOR EACH ROW WHEN (NEW."Status" IS DISTINCT FROM OLD."Status")
                EXECUTE FUNCTION "TaskTags_FollowTaskStatus"();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "TaskTags_FollowTaskStatus" ON "Tasks";
                DROP FUNCTION IF EXISTS "TaskTags_FollowTaskStatus"();
                """);
            migrationBuilder.DropTable(
                name: "Functions");

            migrationBuilder.DropTable(
                name: "Schedules");

            migrationBuilder.DropTable(
                name: "TaskFailedEvents");

            migrationBuilder.DropTable(
                name: "TaskLogLines");

            migrationBuilder.DropTable(
                name: "TaskTags");

            migrationBuilder.DropTable(
                name: "Tokens");

            migrationBuilder.DropTable(
                name: "Users");

            migrationBuilder.DropTable(
                name: "Tasks");
        }
    }
}
