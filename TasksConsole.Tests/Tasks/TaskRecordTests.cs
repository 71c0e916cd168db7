using System.Reflection;
using System.Text.Json;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Tests.Tasks;

/// <summary>
/// A retry and a copy are made from an existing task by <see cref="TaskRecord"/>'s factories. Each test sorts every
/// property of <see cref="TaskRecord"/> into "copied from the source" or "the new task's own, with this value"; a
/// property in neither list fails it, so whoever adds a column decides what a retry and a copy do with it.
/// </summary>
public sealed class TaskRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const string NewId = "65a1f0c2e4b0a1b2c3d4e5f9";

    [Fact]
    public void ARetry_KeepsEverythingItsCallerSet_AndNothingOfTheFailedRun()
    {
        var failed = TaskWithEveryPropertySet();
        var start = Now.AddSeconds(30);

        var retry = TaskRecord.RetryOf(failed, NewId, Now, start);

        AssertProperties(failed, retry,
            copied:
            [
                nameof(TaskRecord.FunctionName), nameof(TaskRecord.DataJson), nameof(TaskRecord.Priority), nameof(TaskRecord.Tags),
                nameof(TaskRecord.CreatedByUserId), nameof(TaskRecord.CreatedByApplicationId), nameof(TaskRecord.ScheduleId),
            ],
            own: FreshTask(retry, start) with { RetryForTaskIds = [.. failed.RetryForTaskIds, failed.Id] });
    }

    [Fact]
    public void ACopy_KeepsTheCall_ButBelongsToWhoeverMadeIt_AndToNoScheduleOrChain()
    {
        var source = TaskWithEveryPropertySet();
        var start = Now.AddHours(1);
        var caller = new Caller("65a1f0c2e4b0a1b2c3d4e5a1", "console");

        var copy = TaskRecord.CopyOf(source, NewId, caller, Now, start);

        AssertProperties(source, copy,
            copied: [nameof(TaskRecord.FunctionName), nameof(TaskRecord.DataJson), nameof(TaskRecord.Priority), nameof(TaskRecord.Tags)],
            own: FreshTask(copy, start) with { CreatedByUserId = caller.UserId, CreatedByApplicationId = caller.ApplicationId });
        Assert.Equal(Now, TaskRecord.CopyOf(source, NewId, caller, Now, start: null).StartTimestamp);
    }

    [Fact]
    public void ARerun_KeepsTheCall_LinksToItsSource_AndTakesThePriorityStartAndTagItWasGiven()
    {
        var source = TaskWithEveryPropertySet();
        var start = Now.AddMinutes(10);
        var caller = new Caller("65a1f0c2e4b0a1b2c3d4e5a1", null);

        var rerun = TaskRecord.RerunOf(source, NewId, caller, Now, priority: 3, start, addTag: "again");

        AssertProperties(source, rerun,
            copied: [nameof(TaskRecord.FunctionName), nameof(TaskRecord.DataJson)],
            own: FreshTask(rerun, start) with { CreatedByUserId = caller.UserId, RerunOfTaskId = source.Id, Priority = 3, Tags = ["billing", "eu", "again"] });
    }

    /// <summary>A task as it stands when its run has failed, with a value in every property.</summary>
    private static TaskRecord TaskWithEveryPropertySet()
    {
        var task = new TaskRecord
        {
            Id = "65a1f0c2e4b0a1b2c3d4e5f2",
            FunctionName = "send-invoice",
            DataJson = """{"invoice":42}""",
            Priority = 7,
            StartTimestamp = Now.AddHours(-1),
            Status = TaskState.InProgress,
            CreationTimestamp = Now.AddHours(-2),
            UpdateTimestamp = Now.AddMinutes(-5),
            StatusChangedTimestamp = Now.AddMinutes(-4),
            CreatedByUserId = "65a1f0c2e4b0a1b2c3d4e5b1",
            CreatedByApplicationId = "billing",
            ScheduleId = "65a1f0c2e4b0a1b2c3d4e5c1",
            RetryForTaskIds = ["65a1f0c2e4b0a1b2c3d4e5f1"],
            RetriedByTaskId = "65a1f0c2e4b0a1b2c3d4e5f3",
            RerunOfTaskId = "65a1f0c2e4b0a1b2c3d4e5f0",
            ResultJson = """{"sent":false}""",
            ExecutionStartTimestamp = Now.AddMinutes(-6),
            ExecutionEndTimestamp = Now.AddMinutes(-5),
            ClaimedBy = "node-a:1",
            ClaimedTimestamp = Now.AddMinutes(-7),
        };
        task.SetError(TaskErrorTypes.Runtime, "SmtpDown", "the mail server did not answer");
        task.SetTags(["billing", "eu"]);
        return task;
    }

    /// <summary>What a task made at <see cref="Now"/> holds of its own, before the test adds what its factory sets.</summary>
    private static ExpectedOwn FreshTask(TaskRecord made, DateTimeOffset start) => new(
        Id: NewId,
        StartTimestamp: start,
        Status: TaskState.New,
        CreationTimestamp: Now,
        UpdateTimestamp: Now,
        StatusChangedTimestamp: Now,
        // The tag index is rebuilt for the new row: its id, status and queue position.
        TagIndex: made.Tags.Select(tag => new TaskTag { TaskId = NewId, Tag = tag, Status = TaskState.New, Priority = made.Priority, StartTimestamp = start }).ToList(),
        RetryForTaskIds: []);

    /// <summary>
    /// The values a new task must hold in the properties it does not copy; null means unset. A property a test lists
    /// as copied is compared with the source instead.
    /// </summary>
    private sealed record ExpectedOwn(
        string Id,
        DateTimeOffset StartTimestamp,
        TaskState Status,
        DateTimeOffset CreationTimestamp,
        DateTimeOffset UpdateTimestamp,
        DateTimeOffset StatusChangedTimestamp,
        List<TaskTag> TagIndex,
        List<string> RetryForTaskIds)
    {
        public string? CreatedByUserId { get; init; }
        public string? CreatedByApplicationId { get; init; }
        public string? ScheduleId { get; init; }
        public string? RetriedByTaskId { get; init; }
        public string? RerunOfTaskId { get; init; }
        public long? Priority { get; init; }
        public List<string>? Tags { get; init; }
        public string? ErrorType { get; init; }
        public string? ErrorName { get; init; }
        public string? ErrorMessage { get; init; }
        public string? ResultJson { get; init; }
        public DateTimeOffset? ExecutionStartTimestamp { get; init; }
        public DateTimeOffset? ExecutionEndTimestamp { get; init; }
        public string? ClaimedBy { get; init; }
        public DateTimeOffset? ClaimedTimestamp { get; init; }
    }

    private static void AssertProperties(TaskRecord source, TaskRecord made, string[] copied, ExpectedOwn own)
    {
        var expectedOwn = typeof(ExpectedOwn).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name != "EqualityContract")
            .ToDictionary(p => p.Name, p => p.GetValue(own));
        foreach (var property in typeof(TaskRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.Name;
            var sourceValue = Json(property.GetValue(source));
            var madeValue = Json(property.GetValue(made));
            Assert.False(IsEmpty(sourceValue), $"The source task leaves {name} unset: set it in {nameof(TaskWithEveryPropertySet)}, so the test can tell whether it is copied.");
            if (copied.Contains(name))
            {
                Assert.True(sourceValue == madeValue, $"{name} should be copied: the source has {sourceValue}, the new task {madeValue}.");
            }
            else if (expectedOwn.TryGetValue(name, out var value))
            {
                var expected = Json(value);
                Assert.True(expected == madeValue, $"{name} should be the new task's own {expected}, but is {madeValue}.");
                Assert.True(sourceValue != expected, $"The source's {name} is the value a new task gets, so the test cannot tell it was not copied.");
            }
            else
            {
                Assert.Fail($"TaskRecord.{name} is neither copied nor the new task's own here: add it to one of the two lists.");
            }
        }
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value);

    private static bool IsEmpty(string json) => json is "null" or "0" or "\"\"" or "[]" or "false" || json == Json(default(DateTimeOffset));
}
