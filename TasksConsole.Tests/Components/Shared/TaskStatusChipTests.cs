using Bunit;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Tests.Components.Shared;

public sealed class TaskStatusChipTests : ConsoleTestContext
{
    [Theory]
    [InlineData(TaskState.InProgress, "inProgress", "mud-chip-color-primary")]
    [InlineData(TaskState.Failed, "failed", "mud-chip-color-error")]
    [InlineData(TaskState.Complete, "complete", "mud-chip-color-success")]
    public void ShowsTheWireStatus_InItsColour(TaskState status, string text, string colourClass)
    {
        var chip = Render<TaskStatusChip>(parameters => parameters.Add(p => p.Status, status));

        Assert.Contains(text, chip.Markup);
        Assert.Contains(colourClass, chip.Find(".mud-chip").ClassName);
    }
}
