using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TasksConsole.Core.Data;

/// <summary>
/// The owner of the PostgreSQL migrations (folder <c>Data/PostgreSql/Migrations</c>), beside the SQLite ones that
/// belong to <see cref="TasksDbContext"/>: EF Core finds a context's migrations by its exact type. The model is the
/// same; only <see cref="StorageSetup.MigrateTasksStoreAsync"/> uses this type, everything else reads and writes
/// through <see cref="TasksDbContext"/>.
/// </summary>
public sealed class PostgreSqlTasksDbContext(DbContextOptions<PostgreSqlTasksDbContext> options) : TasksDbContext(options)
{
    /// <summary>The collation of every text column: byte order, as SQLite compares.</summary>
    public const string BinaryCollation = "C";
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgreSqlTasksDbContext</c> build the model; it never connects.</summary>
internal sealed class PostgreSqlDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgreSqlTasksDbContext>
{
    public PostgreSqlTasksDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlTasksDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
