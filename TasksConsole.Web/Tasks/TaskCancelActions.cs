using System.Security.Claims;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
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

    /// <summary>Asks before one task is canceled: canceling cannot be undone. The task page asks the same.</summary>
    internal static async Task<bool> ConfirmCancelAsync(IDialogService dialogs, TaskRecord task) =>
        await dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = "Cancel this task?",
            Message = $"Task {task.Id} ({task.FunctionName}) will not run. A task that has already started cannot be canceled.",
            YesText = "Cancel task",
            CancelText = "Keep it",
        }) == true;

    public async Task CancelOneAsync(ClaimsPrincipal user, TaskRecord task)
    {
        if (!EnsureCanCancel(user)) return;
        // As on the task page: canceling cannot be undone, and a menu item is easy to hit by mistake.
        if (!await ConfirmCancelAsync(dialogs, task)) return;
        try
        {
            if (await tasks.TryCancelAsync(task.Id))
            {
                task.Status = TaskState.Canceled;
                snackbar.Add($"Task {task.Id} canceled.", Severity.Success);
            }
            else
            {
                var current = await tasks.FindByIdAsync(task.Id);
                if (current is not null) task.Status = current.Status;
                snackbar.Add(current?.Status == TaskState.Canceled
                    ? $"Task {task.Id} was already canceled."
                    : $"Task {task.Id} had already started; it was not canceled.", Severity.Warning);
            }
        }
        catch (ServiceException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
        }
        catch (Exception ex) when (StoreErrors.StoreUnavailableReason(ex) is { } reason)
        {
            snackbar.Add(StoreErrors.UnavailableMessage(reason), Severity.Error);
        }
    }

    /// <summary>
    /// Asks, then cancels <paramref name="selected"/>, telling <paramref name="canceled"/> each task it did cancel.
    /// </summary>
    /// <returns>Whether it ran: then the selection is spent, even when it stopped on an error.</returns>
    public async Task<bool> CancelSelectedAsync(ClaimsPrincipal user, IReadOnlyCollection<TaskRecord> selected, Action<string> canceled)
    {
        if (!EnsureCanCancel(user) || selected.Count == 0) return false;
        var count = selected.Count == 1 ? "1 task" : $"{selected.Count:N0} tasks";
        var confirmed = await dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = $"Cancel {count}?",
            Message = $"The {count} selected will not run. A task that has already started cannot be canceled.",
            YesText = $"Cancel {count}",
            CancelText = "Keep them",
        });
        if (confirmed != true) return false;

        Busy = true;
        var outcome = new CancelOutcome();
        try
        {
            foreach (var task in selected.ToList())
            {
                if (await tasks.TryCancelAsync(task.Id))
                {
                    outcome.Canceled++;
                    canceled(task.Id);
                }
                else if ((await tasks.FindByIdAsync(task.Id))?.Status == TaskState.Canceled)
                {
                    // Canceled meanwhile (another operator, "cancel all matching"): not a task that started.
                    outcome.AlreadyCanceled++;
                    canceled(task.Id);
                }
                else
                {
                    outcome.Started++;
                }
            }
        }
        catch (ServiceException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
        }
        catch (Exception ex) when (StoreErrors.StoreUnavailableReason(ex) is { } reason)
        {
            snackbar.Add(StoreErrors.UnavailableMessage(reason), Severity.Error);
        }
        finally
        {
            Busy = false;
        }
        snackbar.Add(Summary(outcome), outcome.Started == 0 && outcome.AlreadyCanceled == 0 ? Severity.Success : Severity.Warning);
        return true;
    }

    public async Task CancelAllMatchingAsync(ClaimsPrincipal user, TaskFilter filter)
    {
        if (!EnsureCanCancel(user)) return;
        await CancelMatchingDialog.ShowAsync(dialogs, filter);
    }

    /// <summary>How a cancel of several tasks went, task by task.</summary>
    public sealed class CancelOutcome
    {
        public int Canceled { get; set; }
        public int AlreadyCanceled { get; set; }
        public int Started { get; set; }
    }

    public static string Summary(CancelOutcome outcome)
    {
        var parts = new List<string> { $"{outcome.Canceled:N0} canceled" };
        if (outcome.AlreadyCanceled > 0) parts.Add($"{outcome.AlreadyCanceled:N0} {(outcome.AlreadyCanceled == 1 ? "was" : "were")} already canceled");
        if (outcome.Started > 0) parts.Add($"{outcome.Started:N0} had already started");
        return string.Join(", ", parts) + ".";
    }

    private bool EnsureCanCancel(ClaimsPrincipal user)
    {
        if (user.HasPermission(Permissions.CancelTasks)) return true;
        snackbar.Add($"Cancelling tasks needs the {Permissions.CancelTasks} permission.", Severity.Error);
        return false;
    }
}
