using Explorer.Accounts;

namespace Explorer.Tests.Contract;

/// <summary>Users, API tokens and one-time sign-in tokens: the store keeps hashes and answers lookups.</summary>
public abstract partial class GraphStoreContract
{
    private static readonly DateTimeOffset s_created = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static User Person(string name, Role role = Role.Analyst) => new(name, role, "hash-of-" + name, false, s_created);

    [Fact]
    public async Task UsersAreAddedOnceByNameIgnoringCase()
    {
        Assert.Equal(0, await Store.CountUsersAsync());

        Assert.True(await Store.AddUserAsync(Person("Ana", Role.Admin)));
        Assert.False(await Store.AddUserAsync(Person("ana")));
        Assert.True(await Store.AddUserAsync(Person("bo", Role.Viewer)));

        Assert.Equal(2, await Store.CountUsersAsync());
        var ana = (await Store.GetUserAsync("ANA"))!;
        Assert.Equal(new User("Ana", Role.Admin, "hash-of-Ana", false, s_created), ana);
        Assert.Equal(["Ana", "bo"], (await Store.ListUsersAsync()).Select(u => u.Name));
        Assert.Null(await Store.GetUserAsync("nobody"));
    }

    [Fact]
    public async Task UserChangesApplyOnlyTheGivenFields()
    {
        await Store.AddUserAsync(Person("cy"));

        var disabled = await Store.UpdateUserAsync("CY", new UserChange(Disabled: true));
        var promoted = await Store.UpdateUserAsync("cy", new UserChange(Role: Role.Admin, PasswordHash: "new-hash"));

        Assert.Equal(new User("cy", Role.Analyst, "hash-of-cy", true, s_created), disabled);
        Assert.Equal(new User("cy", Role.Admin, "new-hash", true, s_created), promoted);
        Assert.Equal(promoted, await Store.GetUserAsync("cy"));
        Assert.Null(await Store.UpdateUserAsync("nobody", new UserChange(Disabled: true)));
    }

    [Fact]
    public async Task ApiTokensAreFoundByHashListedByOwnerAndRevokedForGood()
    {
        await Store.AddUserAsync(Person("Dee"));
        await Store.AddUserAsync(Person("eve"));
        var token = new ApiToken("t1", "dee", "laptop", "hash-1", s_created, null, false);

        Assert.True(await Store.AddApiTokenAsync(token));
        Assert.False(await Store.AddApiTokenAsync(token with { Hash = "hash-other" }));
        Assert.False(await Store.AddApiTokenAsync(new ApiToken("t2", "nobody", "x", "hash-2", s_created, null, false)));
        Assert.True(await Store.AddApiTokenAsync(new ApiToken("t3", "eve", "ci", "hash-3", s_created, null, false)));

        var found = (await Store.FindApiTokenAsync("hash-1"))!;
        Assert.Equal(token with { Owner = "Dee" }, found);
        Assert.Null(await Store.FindApiTokenAsync("hash-2"));
        Assert.Equal(["t1"], (await Store.ListApiTokensAsync("DEE")).Select(t => t.Id));

        var used = s_created.AddHours(1);
        await Store.TouchApiTokenAsync("t1", used);
        Assert.Equal(used, (await Store.GetApiTokenAsync("t1"))!.LastUsedAt);

        Assert.True(await Store.RevokeApiTokenAsync("t1"));
        Assert.False(await Store.RevokeApiTokenAsync("t1"));
        Assert.False(await Store.RevokeApiTokenAsync("nope"));
        Assert.True((await Store.FindApiTokenAsync("hash-1"))!.Revoked);
        Assert.False((await Store.GetApiTokenAsync("t3"))!.Revoked);
    }

    [Fact]
    public async Task AOneTimeTokenWorksOnceAndOnlyBeforeItExpires()
    {
        await Store.AddUserAsync(Person("Admin", Role.Admin));
        var now = DateTimeOffset.UtcNow;
        Assert.True(await Store.AddOneTimeTokenAsync("late", "admin", now.AddMinutes(1)));
        Assert.Null(await Store.RedeemOneTimeTokenAsync("late", now.AddMinutes(2)));

        Assert.True(await Store.AddOneTimeTokenAsync("once", "admin", now.AddHours(24)));
        Assert.False(await Store.AddOneTimeTokenAsync("orphan", "nobody", now.AddHours(24)));

        Assert.Equal("Admin", await Store.RedeemOneTimeTokenAsync("once", now));
        Assert.Null(await Store.RedeemOneTimeTokenAsync("once", now));
        Assert.Null(await Store.RedeemOneTimeTokenAsync("unknown", now));
    }

    [Fact]
    public async Task ANewOneTimeTokenRetiresTheUsersUnusedOlderOnesAndNoOneElses()
    {
        await Store.AddUserAsync(Person("gus", Role.Admin));
        await Store.AddUserAsync(Person("hal", Role.Admin));
        var now = DateTimeOffset.UtcNow;
        Assert.True(await Store.AddOneTimeTokenAsync("first", "gus", now.AddHours(24)));
        Assert.True(await Store.AddOneTimeTokenAsync("other", "hal", now.AddHours(24)));
        Assert.True(await Store.AddOneTimeTokenAsync("second", "GUS", now.AddHours(24)));

        Assert.Null(await Store.RedeemOneTimeTokenAsync("first", now));
        Assert.Equal("gus", await Store.RedeemOneTimeTokenAsync("second", now));
        Assert.Equal("hal", await Store.RedeemOneTimeTokenAsync("other", now));
    }

    [Fact]
    public async Task AUsersSecurityStampIsKeptUntilAChangeSetsANewOne()
    {
        var ivy = User.New("ivy", Role.Analyst, "hash-of-ivy", s_created);
        Assert.True(await Store.AddUserAsync(ivy));
        Assert.Equal(32, ivy.SecurityStamp.Length);
        Assert.Equal(ivy, await Store.GetUserAsync("ivy"));

        var rehashed = await Store.UpdateUserAsync("ivy", new UserChange(PasswordHash: "rehashed"));
        Assert.Equal(ivy.SecurityStamp, rehashed!.SecurityStamp);

        var ended = await Store.UpdateUserAsync("ivy", UserChange.EndSessions());
        Assert.NotEqual(ivy.SecurityStamp, ended!.SecurityStamp);
        Assert.Equal(ivy with { PasswordHash = "rehashed", SecurityStamp = ended.SecurityStamp }, ended);

        var demoted = await Store.UpdateUserAsync("ivy", UserChange.ByAdmin(role: Role.Viewer));
        Assert.NotEqual(ended.SecurityStamp, demoted!.SecurityStamp);
        Assert.Equal(demoted, await Store.GetUserAsync("IVY"));
    }

    [Fact]
    public async Task ConcurrentRedemptionsOfOneTokenLetOnlyOneIn()
    {
        await Store.AddUserAsync(Person("fay"));
        var now = DateTimeOffset.UtcNow;
        await Store.AddOneTimeTokenAsync("race", "fay", now.AddHours(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.RedeemOneTimeTokenAsync("race", now))));

        Assert.Single(results, r => r is not null);
    }
}
