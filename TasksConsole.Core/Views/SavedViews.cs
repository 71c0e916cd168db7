using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Views;

/// <summary>Who asks: views are read and changed on behalf of a user; admins may remove anyone's shared views.</summary>
public sealed record ViewUser(string UserId, string? Name, bool IsAdmin = false);

/// <summary>Saved views of the tasks page: each user's own, and those shared with everyone.</summary>
public sealed class SavedViews(IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock, AuditTrail? audit = null)
{
    /// <summary>The user's own views and every shared one, by name.</summary>
    public async Task<IReadOnlyList<SavedViewRecord>> ListAsync(ViewUser user, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var views = await db.SavedViews.AsNoTracking().Where(v => v.OwnerUserId == user.UserId || v.Shared).ToListAsync(cancellationToken);
        return [.. views.OrderBy(v => v.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(v => v.Id, StringComparer.Ordinal)];
    }

    /// <summary>The views on the user's dashboard: their own pinned ones and the shared pinned ones.</summary>
    public async Task<IReadOnlyList<SavedViewRecord>> PinnedAsync(ViewUser user, CancellationToken cancellationToken = default) =>
        [.. (await ListAsync(user, cancellationToken)).Where(v => v.Pinned)];

    public async Task<SavedViewRecord> CreateAsync(
        ViewUser user, string name, string query, bool shared, bool pinned, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        query = query.TrimStart('?');
        if (name.Length is 0 or > SavedViewRecord.MaxNameLength)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"A view's name is 1 to {SavedViewRecord.MaxNameLength} characters.");
        }
        if (query.Length is 0 or > SavedViewRecord.MaxQueryLength)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"A view holds a filter of 1 to {SavedViewRecord.MaxQueryLength} characters.");
        }

        var view = new SavedViewRecord
        {
            Id = ObjectId.NewId(clock),
            Name = name,
            Query = query,
            OwnerUserId = user.UserId,
            OwnerName = user.Name,
            Shared = shared,
            Pinned = pinned,
            CreationTimestamp = clock.GetUtcNow(),
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.SavedViews.Add(view);
        await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        audit?.Record(AuditActions.ViewCreate, "view", view.Id, $"Saved the view '{view.Name}'{(shared ? ", shared with everyone" : "")}.",
            new { view.Name, view.Query, view.Shared, view.Pinned });
        return view;
    }

    /// <summary>Pins or unpins one of the user's own views.</summary>
    public async Task<SavedViewRecord> SetPinnedAsync(ViewUser user, string id, bool pinned, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var view = await FindOwnAsync(db, user, id, cancellationToken);
        view.Pinned = pinned;
        await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        return view;
    }

    /// <summary>Removes one of the user's own views; an admin may also remove any shared one.</summary>
    public async Task DeleteAsync(ViewUser user, string id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var view = await FindOwnAsync(db, user, id, cancellationToken);
        db.SavedViews.Remove(view);
        await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        audit?.Record(AuditActions.ViewDelete, "view", view.Id, $"Deleted the view '{view.Name}'.", new { view.Name, view.Query, view.OwnerUserId });
    }

    private static async Task<SavedViewRecord> FindOwnAsync(TasksDbContext db, ViewUser user, string id, CancellationToken cancellationToken)
    {
        var view = await db.SavedViews.FindAsync([id], cancellationToken);
        if (view is null || (view.OwnerUserId != user.UserId && !(view.Shared && user.IsAdmin)))
        {
            // Someone else's private view is as good as absent to this user.
            throw new ServiceException(ErrorCode.ResourceUnknown, $"No view with id {id}.");
        }
        return view;
    }
}
