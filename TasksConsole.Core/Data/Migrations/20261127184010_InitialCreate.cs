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
                    Email = table.Column<string>(type: "TEXT", nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Disabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreationTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdateTimestamp = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Tag = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaskTags", x => new { x.Tag, x.TaskId });
                    table.ForeignKey(
                        name: "FK_TaskTags_Tasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "Tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TaskLogLines_TaskId_Timestamp",
                table: "TaskLogLines",
                columns: new[] { "TaskId", "Timestamp" });

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
                name: "IX_Tasks_Status_Priority_StartTimestamp",
                table: "Tasks",
                columns: new[] { "Status", "Priority", "StartTimestamp" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "IX_Tasks_StatusChangedTimestamp",
                table: "Tasks",
                column: "StatusChangedTimestamp");

            migrationBuilder.CreateIndex(
                name: "IX_TaskTags_TaskId",
                table: "TaskTags",
                column: "TaskId");

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
