namespace TasksConsole.Core.Auth;

/// <summary>A user's role: a named bundle of EXH permissions.</summary>
public enum Role
{
    Viewer,
    Operator,
    Admin,
}

/// <summary>The EXH permission names, and which roles grant them.</summary>
public static class Permissions
{
    public const string ViewTasks = "VIEW_TASKS";
    public const string CreateTasks = "CREATE_TASKS";
    public const string CancelTasks = "CANCEL_TASKS";
    public const string ViewTaskLogs = "VIEW_TASK_LOGS";
    public const string ViewTaskFunctions = "VIEW_TASK_FUNCTIONS";
    public const string ViewTaskFunctionDetails = "VIEW_TASK_FUNCTION_DETAILS";

    /// <summary>Reading the values of a function's environment variables (others see whether each is set); every read is audited.</summary>
    public const string ViewTaskFunctionSecrets = "VIEW_TASK_FUNCTION_SECRETS";
    public const string CreateTaskFunction = "CREATE_TASK_FUNCTION";
    public const string UpdateTaskFunction = "UPDATE_TASK_FUNCTION";
    public const string DeleteTaskFunction = "DELETE_TASK_FUNCTION";
    public const string ExecuteTaskFunction = "EXECUTE_TASK_FUNCTION";
    public const string ViewTaskSchedules = "VIEW_TASK_SCHEDULES";
    public const string CreateTaskSchedule = "CREATE_TASK_SCHEDULE";
    public const string UpdateTaskSchedule = "UPDATE_TASK_SCHEDULE";
    public const string DeleteTaskSchedule = "DELETE_TASK_SCHEDULE";
    public const string ViewEvents = "VIEW_TASK_EVENTS";
    public const string ExecuteApiFunction = "EXECUTE_API_FUNCTION";
    public const string ViewApiFunctionRequests = "VIEW_API_FUNCTION_REQUESTS";
    public const string ViewApiFunctionRequestLogs = "VIEW_API_FUNCTION_REQUEST_LOGS";
    public const string ManageUsers = "MANAGE_USERS";
    public const string ManageApiTokens = "MANAGE_API_TOKENS";
    public const string AccessJobDashboard = "ACCESS_JOB_DASHBOARD";
    public const string ManageWebhooks = "MANAGE_WEBHOOKS";

    /// <summary>Read the audit trail (beyond EXH).</summary>
    public const string ViewAudit = "VIEW_AUDIT";

    /// <summary>Pause and resume dispatch, for the service or a function (beyond EXH).</summary>
    public const string PauseDispatch = "PAUSE_DISPATCH";

    private static readonly string[] ViewerPermissions =
    [
        ViewTasks, ViewTaskLogs, ViewTaskFunctions, ViewTaskFunctionDetails, ViewTaskSchedules, ViewEvents,
    ];

    private static readonly string[] OperatorPermissions = [.. ViewerPermissions, CreateTasks, CancelTasks, PauseDispatch];

    private static readonly string[] AdminPermissions =
    [
        .. OperatorPermissions,
        CreateTaskFunction, UpdateTaskFunction, DeleteTaskFunction, ExecuteTaskFunction, ViewTaskFunctionSecrets,
        ExecuteApiFunction, ViewApiFunctionRequests, ViewApiFunctionRequestLogs,
        CreateTaskSchedule, UpdateTaskSchedule, DeleteTaskSchedule,
        ManageUsers, ManageApiTokens, AccessJobDashboard, ManageWebhooks, ViewAudit,
    ];

    public static IReadOnlyList<string> For(Role role) => role switch
    {
        Role.Viewer => ViewerPermissions,
        Role.Operator => OperatorPermissions,
        Role.Admin => AdminPermissions,
        _ => [],
    };

    public static bool Grants(this Role role, string permission) => For(role).Contains(permission);
}
