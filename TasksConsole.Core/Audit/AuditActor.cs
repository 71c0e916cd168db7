namespace TasksConsole.Core.Audit;

/// <summary>Who acts, and from where, as the audit trail records it.</summary>
public sealed record AuditActor(string? UserId, string? Name, string? ApplicationId, string Source, string? RemoteAddress)
{
    /// <summary>The service itself: schedules firing, retention purges, anything not done on someone's behalf.</summary>
    public static readonly AuditActor System = new(null, "system", null, AuditSources.System, null);
}

/// <summary>
/// The actor of the work under way, set where a request or a console event comes in (a middleware for HTTP, the
/// circuit's inbound activity handler for the console) and read where the action is recorded, so the services that
/// act need no extra parameter. It flows with the async work, like the request it belongs to.
/// </summary>
public static class AuditContext
{
    private static readonly AsyncLocal<AuditActor?> CurrentActor = new();

    /// <summary>The actor of the work under way; <see cref="AuditActor.System"/> outside any request or console event.</summary>
    public static AuditActor Current => CurrentActor.Value ?? AuditActor.System;

    /// <summary>Makes <paramref name="actor"/> the actor until the result is disposed.</summary>
    public static IDisposable Use(AuditActor actor)
    {
        var previous = CurrentActor.Value;
        CurrentActor.Value = actor;
        return new Restore(previous);
    }

    private sealed class Restore(AuditActor? previous) : IDisposable
    {
        public void Dispose() => CurrentActor.Value = previous;
    }
}
