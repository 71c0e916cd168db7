using System.Security.Claims;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// The tasks page's three ways to cancel: one row, the selected rows, and every new task matching the filter
/// (through <see cref="CancelMatchingDialog"/>). Each says in a snackbar how it went.
/// </summary>
/// <remarks>
/// Each checks the user's permission itself: the page calls the service directly, so hiding the buttons is not
/// enough.
/// </remarks>
public sealed class TaskCancelActions(TaskService tasks, IDialogService dialogs, ISnackbar snackbar)
{
    /// <summary>The selected rows are being canceled.</summary>
    public bool Busy { get; private set; }

    public async Task CancelOneAsync(ClaimsPrincipal user, TaskRecord task)
    {
        if (!EnsureCanCancel(user)) return;
        try
        {
            if (await tasks.TryCancelAsync(task.Id))
            {
                task.Status = TaskState.Canceled;
                snackbar.Add($"Task {task.Id} canceled.", Severity.Success);
            }
            else
            {
                snackbar.Add($"Task {task.Id} had already started; it was not canceled.", Severity.Warning);
            }
        }
        catch (ServiceException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
        }
    }

    /// <summary>Cancels <paramref name="selected"/>, telling <paramref name="canceled"/> each task it did cancel.</summary>
    /// <returns>Whether it ran: then the selection is spent, even when it stopped on an error.</returns>
    public async Task<bool> CancelSelectedAsync(ClaimsPrincipal user, IReadOnlyCollection<TaskRecord> selected, Action<string> canceled)
    {
        if (!EnsureCanCancel(user) || selected.Count == 0) return false;
        Busy = true;
        var canceledCount = 0;
        var notNew = 0;
        try
        {
            foreach (var task in selected.ToList())
            {
                if (await tasks.TryCancelAsync(task.Id))
                {
                    canceledCount++;
                    canceled(task.Id);
                }
                else
                {
                    notNew++;
                }
            }
        }
        catch (ServiceException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            Busy = false;
        }
        snackbar.Add(Summary(canceledCount, notNew), notNew == 0 ? Severity.Success : Severity.Warning);
        return true;
    }

    public async Task CancelAllMatchingAsync(ClaimsPrincipal user, TaskFilter filter)
    {
        if (!EnsureCanCancel(user)) return;
        await CancelMatchingDialog.ShowAsync(dialogs, filter);
    }

    public static string Summary(int canceled, int notNew) => notNew == 0
        ? $"{canceled} canceled."
        : $"{canceled} canceled, {notNew} had already started.";

    private bool EnsureCanCancel(ClaimsPrincipal user)
    {
        if (user.HasPermission(Permissions.CancelTasks)) return true;
        snackbar.Add($"Cancelling tasks needs the {Permissions.CancelTasks} permission.", Severity.Error);
        return false;
    }
}
