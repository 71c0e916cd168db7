using TasksConsole.Core.Auth;

namespace TasksConsole.Web.Admin;

public static class RoleText
{
    public static string Describe(Role role) => role switch
    {
        Role.Viewer => "Sees tasks, logs, functions, schedules and events.",
        Role.Operator => "A viewer who can also create and cancel tasks.",
        Role.Admin => "Everything: the registry, schedules, users, API tokens and the job dashboard.",
        _ => "",
    };
}
