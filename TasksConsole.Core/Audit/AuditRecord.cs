namespace TasksConsole.Core.Audit;

/// <summary>
/// One entry of the audit trail: who (<see cref="ActorName"/>, their ids), did what (<see cref="Action"/> on a
/// target), when, and from where (<see cref="Source"/> and <see cref="RemoteAddress"/>). Rows are only ever added,
/// and removed by the retention purge; nothing updates them.
/// </summary>
public sealed class AuditRecord
{
    public required string Id { get; set; }
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>A dotted name, such as <c>task.cancel</c> or <c>auth.signInFailed</c>; see <see cref="AuditActions"/>.</summary>
    public required string Action { get; set; }

    public string? ActorUserId { get; set; }

    /// <summary>The actor's email when a user acted (the email tried, for a failed sign-in), "system" for the service itself.</summary>
    public string? ActorName { get; set; }

    public string? ActorApplicationId { get; set; }

    /// <summary><c>console</c>, <c>api</c> or <c>system</c>.</summary>
    public string Source { get; set; } = AuditSources.System;

    public string? RemoteAddress { get; set; }

    /// <summary>What was acted on: <c>task</c>, <c>function</c>, <c>schedule</c>, <c>user</c>, <c>token</c>, <c>webhook</c>, <c>dispatch</c>, <c>settings</c>.</summary>
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }

    /// <summary>The entry in one sentence, for the console's list.</summary>
    public string Summary { get; set; } = "";

    /// <summary>The action's particulars as a JSON object (a filter and its count, the fields changed), or null.</summary>
    public string? DetailsJson { get; set; }
}

public static class AuditSources
{
    public const string Console = "console";
    public const string Api = "api";
    public const string System = "system";
}

/// <summary>Every action the trail records.</summary>
public static class AuditActions
{
    public const string SignIn = "auth.signIn";
    public const string SignInFailed = "auth.signInFailed";
    public const string TaskCreate = "task.create";
    public const string TaskCancel = "task.cancel";
    public const string TasksCancelByFilter = "tasks.cancelByFilter";
    public const string TasksRerun = "tasks.rerun";
    public const string FunctionCreate = "function.create";
    public const string FunctionUpdate = "function.update";
    public const string FunctionEnable = "function.enable";
    public const string FunctionDisable = "function.disable";
    public const string FunctionDelete = "function.delete";
    public const string FunctionRevealEnvironment = "function.revealEnvironment";
    public const string ScheduleCreate = "schedule.create";
    public const string SchedulePause = "schedule.pause";
    public const string ScheduleResume = "schedule.resume";
    public const string ScheduleDelete = "schedule.delete";
    public const string ScheduleFire = "schedule.fire";
    public const string UserCreate = "user.create";
    public const string UserUpdate = "user.update";
    public const string UserResetPassword = "user.resetPassword";
    public const string UserDelete = "user.delete";
    public const string TokenCreate = "token.create";
    public const string TokenRevoke = "token.revoke";
    public const string WebhookCreate = "webhook.create";
    public const string WebhookUpdate = "webhook.update";
    public const string WebhookDelete = "webhook.delete";
    public const string DispatchPause = "dispatch.pause";
    public const string DispatchResume = "dispatch.resume";
    public const string AuditPurge = "audit.purge";
    public const string TasksPurge = "tasks.purge";
    public const string ViewCreate = "view.create";
    public const string ViewDelete = "view.delete";
}
