using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Tasks.Search;
using TasksConsole.Core.Views;
using TasksConsole.Core.ApiFunctions;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Events;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Reruns;
using TasksConsole.Core.Webhooks;

namespace TasksConsole.Core.Data;

public class TasksDbContext : DbContext, IDataProtectionKeyContext
{
    public TasksDbContext(DbContextOptions<TasksDbContext> options) : base(options)
    {
    }

    /// <summary>For <see cref="PostgreSqlTasksDbContext"/>, the type that owns the PostgreSQL migrations.</summary>
    protected TasksDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();
    public DbSet<TaskTag> TaskTags => Set<TaskTag>();
    public DbSet<TaskLogLine> TaskLogLines => Set<TaskLogLine>();
    public DbSet<RerunJobRecord> RerunJobs => Set<RerunJobRecord>();
    public DbSet<FunctionRecord> Functions => Set<FunctionRecord>();
    public DbSet<DispatchPauseRecord> DispatchPauses => Set<DispatchPauseRecord>();
    public DbSet<AuditRecord> AuditEntries => Set<AuditRecord>();
    public DbSet<ScheduleRecord> Schedules => Set<ScheduleRecord>();
    public DbSet<TaskFailedEventRecord> TaskFailedEvents => Set<TaskFailedEventRecord>();
    public DbSet<UserRecord> Users => Set<UserRecord>();
    public DbSet<IssuedToken> Tokens => Set<IssuedToken>();
    public DbSet<NodeRecord> Nodes => Set<NodeRecord>();
    public DbSet<AuthRevisionRecord> AuthRevisions => Set<AuthRevisionRecord>();
    public DbSet<ApiRequestRecord> ApiRequests => Set<ApiRequestRecord>();
    public DbSet<ApiRequestLogLine> ApiRequestLogLines => Set<ApiRequestLogLine>();
    public DbSet<WebhookEndpointRecord> WebhookEndpoints => Set<WebhookEndpointRecord>();
    public DbSet<WebhookDeliveryRecord> WebhookDeliveries => Set<WebhookDeliveryRecord>();

    /// <summary>The data-protection key ring, shared by every node so a cookie signed by one is read by all.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SavedViewRecord> SavedViews => Set<SavedViewRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        // SQLite compares and sorts text by its bytes; "C" makes PostgreSQL do the same (ids, names, tags, keyset
        // pages), whatever collation the database was created with.
        if (Database.IsNpgsql()) configurationBuilder.Properties<string>().UseCollation(PostgreSqlTasksDbContext.BinaryCollation);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        JsonValues.Register(modelBuilder, Database.IsNpgsql());
        modelBuilder.Entity<TaskRecord>(task =>
        {
            task.ToTable("Tasks");
            task.HasKey(t => t.Id);
            task.Property(t => t.Id).HasMaxLength(24);
            task.Property(t => t.FunctionName).HasMaxLength(256);
            // A concurrency token: recording an outcome must not overwrite a status that moved meanwhile
            // (a zombie cleanup, a cancel), so EF adds the status it read to every UPDATE's WHERE clause.
            task.Property(t => t.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
            task.HasMany(t => t.TagIndex).WithOne().HasForeignKey(t => t.TaskId).OnDelete(DeleteBehavior.Cascade);

            // The queue order (priority first, then start time) within a status: serves the dispatcher's
            // "due new tasks" scan and the console's default sort.
            task.HasIndex(t => new { t.Status, t.Priority, t.StartTimestamp }).IsDescending(false, true, false)
                .HasDatabaseName(TaskIndexes.QueueOrder);
            task.HasIndex(t => new { t.FunctionName, t.Status });
            task.HasIndex(t => new { t.Status, t.CreationTimestamp }).HasDatabaseName(TaskIndexes.ByStatusAndCreation);
            // The due set (new, start <= now) as a range: bounded by the backlog, however many tasks wait in the future.
            task.HasIndex(t => new { t.Status, t.StartTimestamp }).HasDatabaseName(TaskIndexes.DueByStart);
            task.HasIndex(t => t.ClaimedBy).HasFilter("\"ClaimedBy\" IS NOT NULL");
            // Lists sort by a time and then by id (the tie-breaker that keeps pages stable). With the id in the
            // index, SQLite reads a page in order and stops; with the time alone its planner prefers reading and
            // sorting the whole table, even for LIMIT 1.
            task.HasIndex(t => new { t.CreationTimestamp, t.Id });
            task.HasIndex(t => new { t.StartTimestamp, t.Id });
            task.HasIndex(t => new { t.StatusChangedTimestamp, t.Id });
            // A task's re-runs, found from it (the detail page, rerunOfTaskId in RQL).
            task.Property(t => t.RerunOfTaskId).HasMaxLength(24);
            task.HasIndex(t => t.RerunOfTaskId).HasFilter("\"RerunOfTaskId\" IS NOT NULL");
        });

        modelBuilder.Entity<RerunJobRecord>(job =>
        {
            job.ToTable("RerunJobs");
            job.HasKey(j => j.Id);
            job.Property(j => j.Id).HasMaxLength(24);
            job.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
        });

        modelBuilder.Entity<TaskTag>(tag =>
        {
            tag.ToTable("TaskTags");
            tag.HasKey(t => new { t.TaskId, t.Tag });
            tag.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
            // Covers tag filters (TaskId is in the index) and serves tag + status pages in queue order.
            tag.HasIndex(t => new { t.Tag, t.Status, t.Priority, t.StartTimestamp, t.TaskId })
                .IsDescending(false, false, true, false, false);
            // Each tag's tasks in id order: counting the tasks that carry any of several tags merges these ranges
            // comparing one column, where the queue-order index above would compare four (see AnyTagCount).
            tag.HasIndex(t => new { t.Tag, t.TaskId });
        });

        modelBuilder.Entity<TaskLogLine>(line =>
        {
            line.ToTable("TaskLogLines");
            line.HasIndex(l => new { l.TaskId, l.Timestamp });
        });

        modelBuilder.Entity<FunctionRecord>(function =>
        {
            function.ToTable("Functions");
            function.HasKey(f => f.Name);
            function.Property(f => f.Name).HasMaxLength(128);
        });

        modelBuilder.Entity<AuditRecord>(entry =>
        {
            entry.ToTable("AuditEntries");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Id).HasMaxLength(24);
            entry.Property(e => e.Action).HasMaxLength(64);
            entry.Property(e => e.Source).HasMaxLength(16);
            entry.Property(e => e.TargetType).HasMaxLength(32);
            entry.Property(e => e.TargetId).HasMaxLength(256);
            // Newest first (the default list), and the purge's range; by action within a time range; a target's
            // history (the task page's "canceled by"). None on the actor: the console searches it with like(),
            // which no index serves, and every index is paid for by every action recorded.
            entry.HasIndex(e => new { e.Timestamp, e.Id });
            entry.HasIndex(e => new { e.Action, e.Timestamp });
            entry.HasIndex(e => new { e.TargetId, e.Timestamp });
        });

        modelBuilder.Entity<DispatchPauseRecord>(pause =>
        {
            pause.ToTable("DispatchPauses");
            pause.HasKey(p => p.FunctionName);
            pause.Property(p => p.FunctionName).HasMaxLength(128);
            pause.Property(p => p.Reason).HasMaxLength(DispatchPauseRecord.MaxReasonLength);
        });

        modelBuilder.Entity<ScheduleRecord>(schedule =>
        {
            schedule.ToTable("Schedules");
            schedule.HasKey(s => s.Id);
            schedule.Property(s => s.Id).HasMaxLength(24);
            schedule.HasIndex(s => new { s.Paused, s.NextTimestamp });
            schedule.HasIndex(s => s.CreationTimestamp);
        });

        modelBuilder.Entity<TaskFailedEventRecord>(failure =>
        {
            failure.ToTable("TaskFailedEvents");
            failure.HasKey(e => e.Id);
            failure.Property(e => e.Id).HasMaxLength(24);
            failure.HasIndex(e => e.CreationTimestamp);
            failure.HasIndex(e => e.TaskId);
        });

        modelBuilder.Entity<UserRecord>(user =>
        {
            user.ToTable("Users");
            user.HasKey(u => u.Id);
            user.HasIndex(u => u.Email).IsUnique();
            user.Property(u => u.Role).HasConversion<string>().HasMaxLength(16);
            user.Property(u => u.Email).HasMaxLength(UserService.MaxEmailLength);
        });

        modelBuilder.Entity<IssuedToken>(token =>
        {
            token.ToTable("Tokens");
            token.HasKey(t => t.Id);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => new { t.UserId, t.Kind });
            token.HasIndex(t => t.FamilyId);
            // The clean-up of expired tokens scans by expiry.
            token.HasIndex(t => t.ExpiresTimestamp);
            token.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
        });

        modelBuilder.Entity<NodeRecord>(node =>
        {
            node.ToTable("Nodes");
            node.HasKey(n => n.Id);
            node.Property(n => n.Id).HasMaxLength(128);
            node.Property(n => n.Version).HasMaxLength(128);
            node.Property(n => n.HostName).HasMaxLength(256);
            node.HasIndex(n => n.HeartbeatTimestamp);
        });

        modelBuilder.Entity<AuthRevisionRecord>(revision =>
        {
            revision.ToTable("AuthRevisions");
            revision.HasKey(r => r.Id);
            revision.Property(r => r.Id).ValueGeneratedNever();
            // The one row exists from the migration on, so every node only ever updates and reads it.
            revision.HasData(new AuthRevisionRecord { Id = AuthRevisionRecord.SingletonId, Value = 0 });
        });

        modelBuilder.Entity<DataProtectionKey>(key => key.ToTable("DataProtectionKeys"));

        modelBuilder.Entity<SavedViewRecord>(view =>
        {
            view.ToTable("SavedViews");
            view.HasKey(v => v.Id);
            view.Property(v => v.Id).HasMaxLength(24);
            view.Property(v => v.Name).HasMaxLength(SavedViewRecord.MaxNameLength);
            view.Property(v => v.Query).HasMaxLength(SavedViewRecord.MaxQueryLength);
            view.Property(v => v.OwnerUserId).HasMaxLength(24);
            view.HasIndex(v => v.OwnerUserId);
            view.HasIndex(v => v.Shared);
        });

        modelBuilder.Entity<ApiRequestRecord>(request =>
        {
            request.ToTable("ApiRequests");
            request.HasKey(r => r.Id);
            request.Property(r => r.Id).HasMaxLength(24);
            request.Property(r => r.FunctionName).HasMaxLength(128);
            request.Property(r => r.Method).HasMaxLength(16);
            request.Property(r => r.ErrorType).HasMaxLength(16);
            // The list's default order (newest first, id as tie-breaker) and a function's recent requests.
            request.HasIndex(r => new { r.Timestamp, r.Id });
            request.HasIndex(r => new { r.FunctionName, r.Timestamp });
        });

        modelBuilder.Entity<ApiRequestLogLine>(line =>
        {
            line.ToTable("ApiRequestLogLines");
            line.HasOne<ApiRequestRecord>().WithMany().HasForeignKey(l => l.ApiRequestId).OnDelete(DeleteBehavior.Cascade);
            line.HasIndex(l => new { l.ApiRequestId, l.Timestamp });
        });

        modelBuilder.Entity<WebhookEndpointRecord>(endpoint =>
        {
            endpoint.ToTable("WebhookEndpoints");
            endpoint.HasKey(e => e.Id);
            endpoint.Property(e => e.Id).HasMaxLength(24);
            endpoint.Property(e => e.Url).HasMaxLength(WebhookAddressGuard.MaxUrlLength);
            endpoint.Property(e => e.Description).HasMaxLength(WebhookService.MaxDescriptionLength);
            endpoint.Property(e => e.EventTypes).HasMaxLength(256);
            endpoint.Property(e => e.Secret).HasMaxLength(128);
            endpoint.Ignore(e => e.EventTypeList);
            endpoint.Ignore(e => e.FunctionNameList);
        });

        modelBuilder.Entity<WebhookDeliveryRecord>(delivery =>
        {
            delivery.ToTable("WebhookDeliveries");
            delivery.HasKey(d => d.Id);
            delivery.Property(d => d.Id).HasMaxLength(24);
            delivery.Property(d => d.EndpointId).HasMaxLength(24);
            delivery.Property(d => d.EventType).HasMaxLength(64);
            delivery.Property(d => d.LeaseOwner).HasMaxLength(192);
            delivery.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
            delivery.HasOne<WebhookEndpointRecord>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
            // The sender's scan: pending deliveries by due time.
            delivery.HasIndex(d => new { d.State, d.NextAttemptTimestamp });
            // The console's list of an endpoint's deliveries, newest first.
            delivery.HasIndex(d => new { d.EndpointId, d.CreationTimestamp });
        });
    }
}

/// <summary>Index names that hand-written SQL refers to.</summary>
public static class TaskIndexes
{
    public const string DueByStart = "IX_Tasks_Status_StartTimestamp";
    public const string QueueOrder = "IX_Tasks_Status_Priority_StartTimestamp";
    public const string ByStatusAndCreation = "IX_Tasks_Status_CreationTimestamp";
    public const string TagsByTask = "IX_TaskTags_Tag_TaskId";
}
