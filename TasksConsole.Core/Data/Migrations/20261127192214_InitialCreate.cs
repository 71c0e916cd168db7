using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TasksConsole.Core.Data.Migrations
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

            migrationBuilder.CreateTable(
                name: "TaskLogLines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TaskId = table.Column<string>(type: "TEXT", nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaskLogLines", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Tasks",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    FunctionName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    DataJson = table.Column<string>(type: "TEXT", nullable: false),
                    Priority = table.Column<long>(type: "INTEGER", nullable: false),
                    StartTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    CreationTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    StatusChangedTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedByApplicationId = table.Column<string>(type: "TEXT", nullable: true),
                    ScheduleId = table.Column<string>(type: "TEXT", nullable: true),
                    RetryForTaskIds = table.Column<string>(type: "TEXT", nullable: false),
                    RetriedByTaskId = table.Column<string>(type: "TEXT", nullable: true),
                    ErrorType = table.Column<string>(type: "TEXT", nullable: true),
                    ErrorName = table.Column<string>(type: "TEXT", nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", nullable: true),
                    ResultJson = table.Column<string>(type: "TEXT", nullable: true),
                    ExecutionStartTimestamp = table.Column<long>(type: "INTEGER", nullable: true),
                    ExecutionEndTimestamp = table.Column<long>(type: "INTEGER", nullable: true),
                    ClaimedBy = table.Column<string>(type: "TEXT", nullable: true),
                    ClaimedTimestamp = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tasks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Tokens",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", nullable: true),
                    Name = table.Column<string>(type: "TEXT", nullable: true),
                    FamilyId = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedByUserId = table.Column<string>(type: "TEXT", nullable: true),
                    CreationTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresTimestamp = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokedTimestamp = table.Column<long>(type: "INTEGER", nullable: true),
                    LastUsedTimestamp = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Users",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Disabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    SecurityStamp = table.Column<string>(type: "TEXT", nullable: false),
                    CreationTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSignInTimestamp = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Users", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TaskTags",
                columns: table => new
                {
                    TaskId = table.Column<string>(type: "TEXT", nullable: false),
                    Tag = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Priority = table.Column<long>(type: "INTEGER", nullable: false),
                    StartTimestamp = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "IX_Tasks_CreationTimestamp",
                table: "Tasks",
                column: "CreationTimestamp");

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_FunctionName_Status",
                table: "Tasks",
                columns: new[] { "FunctionName", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_StartTimestamp",
                table: "Tasks",
                column: "StartTimestamp");

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
                name: "IX_Tasks_StatusChangedTimestamp",
                table: "Tasks",
                column: "StatusChangedTimestamp");

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
