using TasksConsole.Core.Common;
using TasksConsole.Core.Schedules;

namespace TasksConsole.Tests.Schedules;

public sealed class ScheduleCalculatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void AnIntervalSchedule_FirstFiresAtItsStart_EvenWhenTheStartHasPassed()
    {
        var timing = ScheduleTiming.Interval(Start, 60);

        Assert.Equal(Start, ScheduleCalculator.Initial(timing, now: Start.AddHours(-1)));
        Assert.Equal(Start, ScheduleCalculator.Initial(timing, now: Start.AddHours(1)));
    }

    [Fact]
    public void AfterAFiring_TheNextIntervalSlotIsStrictlyAfterNow_OnTheStartGrid()
    {
        var timing = ScheduleTiming.Interval(Start, 60);

        Assert.Equal(Start.AddSeconds(60), ScheduleCalculator.NextAfter(timing, Start));
        Assert.Equal(Start.AddSeconds(60), ScheduleCalculator.NextAfter(timing, Start.AddMilliseconds(12)));
        Assert.Equal(Start.AddSeconds(180), ScheduleCalculator.NextAfter(timing, Start.AddSeconds(120)));
    }

    [Fact]
    public void AfterDowntime_MissedIntervalSlotsAreSkipped_NotBurst()
    {
        var timing = ScheduleTiming.Interval(Start, 60);

        // Down for ten minutes and five seconds: the next run is the next slot on the grid, not the ten it missed.
        var next = ScheduleCalculator.NextAfter(timing, Start.AddSeconds(605));

        Assert.Equal(Start.AddSeconds(660), next);
    }

    [Fact]
    public void BeforeTheStart_TheNextFiringIsTheStart()
    {
        var timing = ScheduleTiming.Interval(Start, 3600);

        Assert.Equal(Start, ScheduleCalculator.NextAfter(timing, Start.AddDays(-3)));
    }

    [Fact]
    public void IntervalPreview_ListsEvenlySpacedSlots()
    {
        var timing = ScheduleTiming.Interval(Start, 90);

        var slots = ScheduleCalculator.Upcoming(timing, Start, 3);

        Assert.Equal([Start, Start.AddSeconds(90), Start.AddSeconds(180)], slots);
    }

    [Fact]
    public void ADailyCronInBrussels_KeepsItsLocalHour_AcrossTheSpringDstChange()
    {
        // Belgium moves from UTC+1 to UTC+2 on Sunday 29 March 2026.
        var timing = ScheduleTiming.ForCron(Utc(3, 27, 0), "0 9 * * *", "Europe/Brussels");

        var first = ScheduleCalculator.Initial(timing, now: Utc(3, 27, 0))!.Value;
        var firings = ScheduleCalculator.Upcoming(timing, first, 4);

        Assert.Equal([Utc(3, 27, 8), Utc(3, 28, 8), Utc(3, 29, 7), Utc(3, 30, 7)], firings);
    }

    [Fact]
    public void ADailyCronInBrussels_KeepsItsLocalHour_AcrossTheAutumnDstChange()
    {
        // Back from UTC+2 to UTC+1 on Sunday 25 October 2026.
        var timing = ScheduleTiming.ForCron(Utc(10, 24, 0), "0 9 * * *", "Europe/Brussels");

        var next = ScheduleCalculator.NextAfter(timing, Utc(10, 24, 12));
        var after = ScheduleCalculator.NextAfter(timing, next!.Value);

        Assert.Equal(Utc(10, 25, 8), next);
        Assert.Equal(Utc(10, 26, 8), after);
    }

    [Fact]
    public void ACronTimeInTheSkippedSpringHour_FiresOnce_AtTheEndOfTheGap()
    {
        // 02:30 does not exist in Brussels on 29 March 2026 (02:00 jumps to 03:00 = 01:00 UTC).
        var timing = ScheduleTiming.ForCron(Utc(3, 28, 12), "30 2 * * *", "Europe/Brussels");

        var next = ScheduleCalculator.NextAfter(timing, Utc(3, 28, 12));
        var after = ScheduleCalculator.NextAfter(timing, next!.Value);

        Assert.Equal(Utc(3, 29, 1), next);
        Assert.Equal(Utc(3, 30, 0, 30), after);
    }

    [Fact]
    public void ACronTimeInTheRepeatedAutumnHour_FiresOnce()
    {
        // 02:30 happens twice in Brussels on 25 October 2026 (00:30 and 01:30 UTC).
        var timing = ScheduleTiming.ForCron(Utc(10, 24, 12), "30 2 * * *", "Europe/Brussels");

        var firings = ScheduleCalculator.Upcoming(timing, ScheduleCalculator.NextAfter(timing, Utc(10, 24, 12))!.Value, 2);

        Assert.Equal([Utc(10, 25, 0, 30), Utc(10, 26, 1, 30)], firings);
    }

    [Fact]
    public void ACronSchedule_FirstFiresAtTheFirstOccurrence_NotBeforeNowOrTheStart()
    {
        var timing = ScheduleTiming.ForCron(Utc(3, 2, 10), "*/15 * * * *", null);

        Assert.Equal(Utc(3, 2, 10, 15), ScheduleCalculator.Initial(timing, now: Utc(3, 2, 10, 7)));
        Assert.Equal(Utc(3, 2, 10), ScheduleCalculator.Initial(timing, now: Utc(3, 2, 9)));
    }

    [Fact]
    public void ASixFieldCron_HasSecondsFirst()
    {
        var timing = ScheduleTiming.ForCron(Start, "*/10 * * * * *", null);

        var firings = ScheduleCalculator.Upcoming(timing, ScheduleCalculator.Initial(timing, Start.AddSeconds(1))!.Value, 3);

        Assert.Equal([Start.AddSeconds(10), Start.AddSeconds(20), Start.AddSeconds(30)], firings);
    }

    [Theory]
    [InlineData("not a cron")]
    [InlineData("* * *")]
    [InlineData("61 * * * *")]
    [InlineData("* * * * * * *")]
    public void ABadCronExpression_IsAFieldFormatError(string expression)
    {
        var error = Assert.Throws<ServiceException>(() => ScheduleCalculator.ParseCron(expression));

        Assert.Equal(ErrorCode.FieldFormat, error.Error);
    }

    [Fact]
    public void AnUnknownTimeZone_IsAFieldFormatError()
    {
        var error = Assert.Throws<ServiceException>(() => ScheduleCalculator.ResolveTimeZone("Mars/Olympus_Mons"));

        Assert.Equal(ErrorCode.FieldFormat, error.Error);
        Assert.Equal(TimeZoneInfo.Utc, ScheduleCalculator.ResolveTimeZone(null));
    }
}
