using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Views;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Views;

/// <summary>Saved views over a real store: who sees which, who may change which.</summary>
public class SavedViewsTests : IAsyncLifetime
{
    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    private static readonly ViewUser Ann = new("65a1f0c2e4b0a1b2c3d4e5a1", "ann@example.com");
    private static readonly ViewUser Bob = new("65a1f0c2e4b0a1b2c3d4e5b2", "bob@example.com");
    private static readonly ViewUser Admin = new("65a1f0c2e4b0a1b2c3d4e5c3", "admin@localhost", IsAdmin: true);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private TestDatabase _database = null!;
    private SavedViews _views = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Provider);
        _views = new SavedViews(_database.Factory, _clock);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task AUserSeesTheirOwnViewsAndTheSharedOnes_ByName()
    {
        await _views.CreateAsync(Ann, "Failed resizes", "status=failed&fn=resize", shared: false, pinned: true);
        await _views.CreateAsync(Ann, "Billing backlog", "status=new&all=billing", shared: true, pinned: true);
        await _views.CreateAsync(Bob, "bob's own", "fn=echo", shared: false, pinned: false);

        Assert.Equal(["Billing backlog", "Failed resizes"], (await _views.ListAsync(Ann)).Select(v => v.Name));
        Assert.Equal(["Billing backlog", "bob's own"], (await _views.ListAsync(Bob)).Select(v => v.Name));
        Assert.Equal(["Billing backlog"], (await _views.PinnedAsync(Bob)).Select(v => v.Name));
        var shared = (await _views.ListAsync(Bob))[0];
        Assert.Equal(("status=new&all=billing", "ann@example.com"), (shared.Query, shared.OwnerName));
    }

    [Fact]
    public async Task OnlyTheOwner_PinsOrDeletes_AnAdminMayDeleteASharedView_AndAPrivateOneStaysHidden()
    {
        var mine = await _views.CreateAsync(Ann, "Mine", "fn=echo", shared: false, pinned: false);
        var shared = await _views.CreateAsync(Ann, "Ours", "fn=noop", shared: true, pinned: false);

        await Assert.ThrowsAsync<ServiceException>(() => _views.SetPinnedAsync(Bob, shared.Id, true));
        await Assert.ThrowsAsync<ServiceException>(() => _views.DeleteAsync(Bob, shared.Id));
        var hidden = await Assert.ThrowsAsync<ServiceException>(() => _views.DeleteAsync(Admin, mine.Id));
        Assert.Equal(ErrorCode.ResourceUnknown, hidden.Error);

        Assert.True((await _views.SetPinnedAsync(Ann, mine.Id, true)).Pinned);
        await _views.DeleteAsync(Admin, shared.Id);
        Assert.Equal(["Mine"], (await _views.ListAsync(Ann)).Select(v => v.Name));
        Assert.Equal(["Mine"], (await _views.PinnedAsync(Ann)).Select(v => v.Name));
    }

    [Theory]
    [InlineData("", "fn=echo")]
    [InlineData("   ", "fn=echo")]
    [InlineData("A name", "")]
    [InlineData("A name", "?")]
    public async Task ANameAndAFilterAreRequired(string name, string query)
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => _views.CreateAsync(Ann, name, query, false, false));

        Assert.Equal(ErrorCode.FieldFormat, error.Error);
        Assert.Empty(await _views.ListAsync(Ann));
    }

    [Fact]
    public async Task TheNameIsTrimmed_AndTheQueryLosesItsQuestionMark()
    {
        var view = await _views.CreateAsync(Ann, "  Failed  ", "?status=failed", false, false);

        Assert.Equal(("Failed", "status=failed"), (view.Name, view.Query));
        Assert.Equal(new string('x', SavedViewRecord.MaxNameLength),
            (await _views.CreateAsync(Ann, new string('x', SavedViewRecord.MaxNameLength), "fn=a", false, false)).Name);
        await Assert.ThrowsAsync<ServiceException>(() => _views.CreateAsync(Ann, new string('x', SavedViewRecord.MaxNameLength + 1), "fn=a", false, false));
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgreSqlSavedViewsTests : SavedViewsTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}
