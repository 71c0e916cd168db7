using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Audit;

namespace TasksConsole.Core.Auth;

/// <summary>A user as shown to admins; never carries the password hash.</summary>
public sealed record UserInfo(
    string Id,
    string Email,
    Role Role,
    bool Disabled,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset UpdateTimestamp,
    DateTimeOffset? LastSignInTimestamp);

/// <summary>What a signed-in session needs to stay valid: the current role and stamp.</summary>
public sealed record UserSession(string Id, string Email, Role Role, bool Disabled, string SecurityStamp, bool MustChangePassword = false);

/// <summary>Changes to apply to a user; null leaves a field as it is.</summary>
public sealed record UserChanges(Role? Role = null, bool? Disabled = null, string? Password = null, bool? MustChangePassword = null);

public enum CredentialStatus
{
    Success,
    InvalidCredentials,
    Disabled,
}

public sealed record CredentialCheck(CredentialStatus Status, UserSession? User);

public sealed class UserService(IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock, AuthRevision revision, AuditTrail? audit = null)
{
    public const int MinPasswordLength = 8;

    /// <summary>Bounds the PBKDF2 input a request can make us hash.</summary>
    public const int MaxPasswordLength = 256;

    public const int MaxEmailLength = 254;

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public async Task<bool> AnyUsersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AnyAsync(cancellationToken);
    }

    public async Task<UserInfo> CreateAsync(
        string email, string password, Role role, CancellationToken cancellationToken = default, bool mustChangePassword = false)
    {
        var normalized = ValidateEmail(email);
        ValidatePassword(password);
        if (!Enum.IsDefined(role)) throw new ServiceException(ErrorCode.FieldFormat, "Unknown role.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Users.AnyAsync(u => u.Email == normalized, cancellationToken)) throw EmailTaken(normalized);

        var now = clock.GetUtcNow();
        var user = new UserRecord
        {
            Id = ObjectId.NewId(clock),
            Email = normalized,
            PasswordHash = PasswordHasher.Hash(password),
            Role = role,
            MustChangePassword = mustChangePassword,
            SecurityStamp = NewStamp(),
            CreationTimestamp = now,
            UpdateTimestamp = now,
        };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Lost a race with a concurrent create of the same address: the unique index decided.
            throw EmailTaken(normalized);
        }
        audit?.Record(AuditActions.UserCreate, "user", user.Id, $"Created user {user.Email} as {role}.", new { role = role.ToString() });
        return ToInfo(user);
    }

    /// <summary>Checks a password; callers apply the sign-in limiter (see <see cref="SignInService"/>).</summary>
    public async Task<CredentialCheck> CheckPasswordAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var normalized = NormalizeEmail(email);
        if (password.Length > MaxPasswordLength || normalized.Length > MaxEmailLength)
        {
            return new CredentialCheck(CredentialStatus.InvalidCredentials, null);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is null)
        {
            PasswordHasher.VerifyAgainstDummy(password);
            return new CredentialCheck(CredentialStatus.InvalidCredentials, null);
        }

        var result = PasswordHasher.Verify(user.PasswordHash, password);
        if (result == PasswordCheckResult.Failed) return new CredentialCheck(CredentialStatus.InvalidCredentials, null);
        if (user.Disabled) return new CredentialCheck(CredentialStatus.Disabled, null);

        if (result == PasswordCheckResult.SuccessRehashNeeded) user.PasswordHash = PasswordHasher.Hash(password);
        user.LastSignInTimestamp = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return new CredentialCheck(CredentialStatus.Success, ToSession(user));
    }

    public async Task<IReadOnlyList<UserInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        return users.ConvertAll(ToInfo);
    }

    public async Task<UserInfo?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        return user is null ? null : ToInfo(user);
    }

    public async Task<UserInfo?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        var normalized = NormalizeEmail(email);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        return user is null ? null : ToInfo(user);
    }

    public async Task<UserSession?> GetSessionAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking()
            .Where(u => u.Id == id)
            .Select(u => new UserSession(u.Id, u.Email, u.Role, u.Disabled, u.SecurityStamp, u.MustChangePassword))
            .SingleOrDefaultAsync(cancellationToken);
    }

    public Task<UserInfo> ChangeRoleAsync(string id, Role role, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, new UserChanges(Role: role), cancellationToken);

    public Task<UserInfo> SetDisabledAsync(string id, bool disabled, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, new UserChanges(Disabled: disabled), cancellationToken);

    /// <summary>
    /// A signed-in user choosing a new password: the current one must be right and the new one different (a forced
    /// change would mean nothing otherwise). Clears <see cref="UserRecord.MustChangePassword"/>; like any password
    /// change it ends the user's other sessions and revokes their OAuth tokens.
    /// </summary>
    public async Task<UserInfo> ChangeOwnPasswordAsync(string id, string currentPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        ValidatePassword(newPassword);
        if (newPassword == currentPassword)
        {
            throw new ServiceException(ErrorCode.FieldFormat, "The new password must differ from the current one.");
        }
        string? hash;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            hash = await db.Users.Where(u => u.Id == id).Select(u => u.PasswordHash).SingleOrDefaultAsync(cancellationToken);
        }
        if (hash is null) throw new ServiceException(ErrorCode.ResourceUnknown, $"No user with id {id}.");
        if (currentPassword.Length > MaxPasswordLength || PasswordHasher.Verify(hash, currentPassword) == PasswordCheckResult.Failed)
        {
            throw new ServiceException(AuthErrorCodes.Authentication, "The current password is not correct.");
        }
        return await UpdateAsync(id, new UserChanges(Password: newPassword, MustChangePassword: false), cancellationToken);
    }

    public Task<UserInfo> ResetPasswordAsync(string id, string password, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, new UserChanges(Password: password), cancellationToken);

    /// <summary>
    /// Ends every console session of the user, in every browser and on every node: the cookies carry the old
    /// security stamp, which no longer matches. OAuth and API tokens are left alone (API clients did not sign out).
    /// </summary>
    public async Task EndConsoleSessionsAsync(string id, CancellationToken cancellationToken = default)
    {
        var stamp = NewStamp();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ended = await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp), cancellationToken);
        if (ended == 0) return;
        await AuthRevision.IncrementStoredAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        revision.Advance();
    }

    /// <summary>
    /// Applies <paramref name="changes"/> in one transaction. A new password or disabling ends the user's console
    /// sessions and revokes their OAuth tokens; API tokens survive a password reset (they are automation
    /// credentials an admin manages separately) but stop working while the user is disabled.
    /// </summary>
    public async Task<UserInfo> UpdateAsync(string id, UserChanges changes, CancellationToken cancellationToken = default)
    {
        if (changes.Password is not null) ValidatePassword(changes.Password);
        if (changes.Role is { } newRole && !Enum.IsDefined(newRole)) throw new ServiceException(ErrorCode.FieldFormat, "Unknown role.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken)
            ?? throw new ServiceException(ErrorCode.ResourceUnknown, $"No user with id {id}.");

        var losesAdmin = user is { Role: Role.Admin, Disabled: false }
            && ((changes.Role is { } role && role != Role.Admin) || changes.Disabled == true);
        if (losesAdmin && !await db.Users.AnyAsync(u => u.Id != id && u.Role == Role.Admin && !u.Disabled, cancellationToken))
        {
            throw new ServiceException(ErrorCode.IllegalState, "At least one enabled admin must remain.");
        }

        var endSessions = false;
        if (changes.Role is { } changedRole) user.Role = changedRole;
        if (changes.Disabled is { } disabled && disabled != user.Disabled)
        {
            user.Disabled = disabled;
            endSessions |= disabled;
        }
        if (changes.MustChangePassword is { } mustChange) user.MustChangePassword = mustChange;
        if (changes.Password is { } password)
        {
            user.PasswordHash = PasswordHasher.Hash(password);
            endSessions = true;
        }

        var now = clock.GetUtcNow();
        user.UpdateTimestamp = now;
        if (endSessions)
        {
            user.SecurityStamp = NewStamp();
            await db.Tokens
                .Where(t => t.UserId == id && t.Kind != TokenKind.Api && t.RevokedTimestamp == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedTimestamp, now), cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await AuthRevision.IncrementStoredAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        revision.Advance();
        AuditUpdate(user, changes);
        return ToInfo(user);
    }

    /// <summary>What changed, never the password itself.</summary>
    private void AuditUpdate(UserRecord user, UserChanges changes)
    {
        if (audit is null) return;
        if (changes.Password is not null)
        {
            audit.Record(AuditActions.UserResetPassword, "user", user.Id, $"Reset the password of {user.Email}; their sessions ended.");
        }
        var changed = new List<string>();
        if (changes.Role is { } role) changed.Add($"role {role}");
        if (changes.Disabled is { } disabled) changed.Add(disabled ? "disabled" : "enabled");
        if (changed.Count > 0)
        {
            audit.Record(AuditActions.UserUpdate, "user", user.Id, $"Changed user {user.Email}: {string.Join(", ", changed)}.",
                new { role = changes.Role?.ToString(), disabled = changes.Disabled });
        }
    }

    public static string ValidateEmail(string email)
    {
        var normalized = NormalizeEmail(email);
        var at = normalized.IndexOf('@');
        if (normalized.Length > MaxEmailLength || at < 1 || at != normalized.LastIndexOf('@') || at == normalized.Length - 1
            || normalized.Any(char.IsWhiteSpace))
        {
            throw new ServiceException(ErrorCode.FieldFormat, "The email address is not valid.");
        }
        return normalized;
    }

    public static void ValidatePassword(string password)
    {
        if (password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
        {
            throw new ServiceException(ErrorCode.FieldFormat,
                $"A password must be {MinPasswordLength} to {MaxPasswordLength} characters long.");
        }
    }

    private static ServiceException EmailTaken(string email) =>
        new(ErrorCode.ResourceAlreadyExists, $"A user with email {email} already exists.");

    private static string NewStamp() => Guid.NewGuid().ToString("N");

    private static UserInfo ToInfo(UserRecord user) =>
        new(user.Id, user.Email, user.Role, user.Disabled, user.CreationTimestamp, user.UpdateTimestamp, user.LastSignInTimestamp);

    private static UserSession ToSession(UserRecord user) =>
        new(user.Id, user.Email, user.Role, user.Disabled, user.SecurityStamp, user.MustChangePassword);
}
