using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExecutionModel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_TaskTags",
                table: "TaskTags");

            migrationBuilder.DropIndex(
                name: "IX_TaskTags_TaskId",
                table: "TaskTags");

            migrationBuilder.AddColumn<long>(
                name: "Priority",
                table: "TaskTags",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "StartTimestamp",
                table: "TaskTags",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "TaskTags",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "PK_TaskTags",
                table: "TaskTags",
                columns: new[] { "TaskId", "Tag" });

            migrationBuilder.CreateTable(
                name: "Functions",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    LambdaFunctionName = table.Column<string>(type: "TEXT", nullable: false),
                    Qualifier = table.Column<string>(type: "TEXT", nullable: true),
                    CodeBase64 = table.Column<string>(type: "TEXT", nullable: true),
                    EntryPoint = table.Column<string>(type: "TEXT", nullable: true),
                    Runtime = table.Column<string>(type: "TEXT", nullable: true),
                    TimeLimitSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    MemoryLimitMb = table.Column<int>(type: "INTEGER", nullable: false),
                    EnvironmentVariablesJson = table.Column<string>(type: "TEXT", nullable: true),
                    PermissionMode = table.Column<string>(type: "TEXT", nullable: false),
                    DefaultPriority = table.Column<long>(type: "INTEGER", nullable: false),
                    RetryEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ErrorsToRetry = table.Column<string>(type: "TEXT", nullable: false),
                    RetryDelaysSeconds = table.Column<string>(type: "TEXT", nullable: false),
                    ConcurrencyLimit = table.Column<int>(type: "INTEGER", nullable: true),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreationTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Functions", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "Schedules",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    FunctionName = table.Column<string>(type: "TEXT", nullable: false),
                    DataJson = table.Column<string>(type: "TEXT", nullable: false),
                    Priority = table.Column<long>(type: "INTEGER", nullable: true),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    IntervalSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    CronExpression = table.Column<string>(type: "TEXT", nullable: true),
                    TimeZone = table.Column<string>(type: "TEXT", nullable: true),
                    StartTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    NextTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    LastFiredTimestamp = table.Column<long>(type: "INTEGER", nullable: true),
                    Paused = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", nullable: true),
                    CreationTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Schedules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TaskFailedEvents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    TaskId = table.Column<string>(type: "TEXT", nullable: false),
                    FunctionName = table.Column<string>(type: "TEXT", nullable: false),
                    ErrorType = table.Column<string>(type: "TEXT", nullable: false),
                    ErrorName = table.Column<string>(type: "TEXT", nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", nullable: false),
                    CreationTimestamp = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaskFailedEvents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TaskTags_Tag_Status_Priority_StartTimestamp_TaskId",
                table: "TaskTags",
                columns: new[] { "Tag", "Status", "Priority", "StartTimestamp", "TaskId" },
                descending: new[] { false, false, true, false, false });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_Status_CreationTimestamp",
                table: "Tasks",
                columns: new[] { "Status", "CreationTimestamp" });

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

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Functions");

            migrationBuilder.DropTable(
                name: "Schedules");

            migrationBuilder.DropTable(
                name: "TaskFailedEvents");

            migrationBuilder.DropPrimaryKey(
                name: "PK_TaskTags",
                table: "TaskTags");

            migrationBuilder.DropIndex(
                name: "IX_TaskTags_Tag_Status_Priority_StartTimestamp_TaskId",
                table: "TaskTags");

            migrationBuilder.DropIndex(
                name: "IX_Tasks_Status_CreationTimestamp",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "TaskTags");

            migrationBuilder.DropColumn(
                name: "StartTimestamp",
                table: "TaskTags");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "TaskTags");

            migrationBuilder.AddPrimaryKey(
                name: "PK_TaskTags",
                table: "TaskTags",
                columns: new[] { "Tag", "TaskId" });

            migrationBuilder.CreateIndex(
                name: "IX_TaskTags_TaskId",
                table: "TaskTags",
                column: "TaskId");
        }
    }
}
