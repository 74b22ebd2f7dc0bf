using ControlCenter.Access.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ControlCenter.Access.Tests;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cc-tests", "audit-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));

    private AuditLog Open(int retentionDays = 90) =>
        new(Options.Create(new AuditOptions { Directory = _dir, RetentionDays = retentionDays }), _time, NullLogger<AuditLog>.Instance);

    private AuditEntry Entry(string user, string action, string target, string result = AuditResults.Ok) =>
        new(_time.GetUtcNow(), user, action, target, result, Client: "10.0.0.7");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void EntriesComeBackNewestFirstFilteredAndSurviveANewInstance()
    {
        using (var log = Open())
        {
            log.Record(Entry("ada", "topic:delete", "topic:orders"));
            _time.Advance(TimeSpan.FromMinutes(1));
            log.Record(Entry("otto", "messages:read", "topic:orders"));
            _time.Advance(TimeSpan.FromMinutes(1));
            log.Record(Entry("vera", "messages:produce", "topic:payments", AuditResults.Refused));
        }
        using var reopened = Open(); // what a restarted app reads
        Assert.Equal(["vera", "otto", "ada"], reopened.Newest(new AuditQuery(), 10).Select(e => e.User));
        Assert.Equal(["otto"], reopened.Newest(new AuditQuery(Action: "messages:read"), 10).Select(e => e.User));
        Assert.Equal(["vera", "otto"], reopened.Newest(new AuditQuery(Action: "messages:"), 10).Select(e => e.User));
        Assert.Equal(["vera"], reopened.Newest(new AuditQuery(Result: AuditResults.Refused), 10).Select(e => e.User));
        Assert.Equal(["otto", "ada"], reopened.Newest(new AuditQuery(Target: "ORDERS"), 10).Select(e => e.User));
        Assert.Equal(["vera"], reopened.Newest(new AuditQuery(), 1).Select(e => e.User));
        Assert.Equal(["ada", "otto"], reopened.All(new AuditQuery(To: new DateTimeOffset(2026, 12, 1, 10, 1, 0, TimeSpan.Zero))).Select(e => e.User));
        Assert.Equal("10.0.0.7", reopened.Newest(new AuditQuery(), 1)[0].Client);
    }

    [Fact]
    public void AFileOlderThanTheRetentionIsDeletedWhenADayStarts()
    {
        using var log = Open(retentionDays: 2);
        log.Record(Entry("ada", "topic:create", "topic:day1"));
        _time.Advance(TimeSpan.FromDays(1));
        log.Record(Entry("ada", "topic:create", "topic:day2"));
        Assert.Equal(2, Directory.GetFiles(_dir).Length);
        _time.Advance(TimeSpan.FromDays(1));
        log.Record(Entry("ada", "topic:create", "topic:day3")); // a new day: day 1 is past two days
        Assert.Equal(["topic:day3", "topic:day2"], log.Newest(new AuditQuery(), 10).Select(e => e.Target));
        Assert.Equal(2, Directory.GetFiles(_dir).Length);
    }

    [Fact]
    public void ALineCutByACrashDoesNotHideTheOthers()
    {
        using (var log = Open()) log.Record(Entry("ada", "topic:delete", "topic:a"));
        string file = Directory.GetFiles(_dir).Single();
        File.AppendAllText(file, "{\"time\":\"2026-12-01T10:00:00Z\",\"user\":\"cut");
        using (var log = Open())
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            log.Record(Entry("otto", "topic:create", "topic:b"));
        }
        using var reopened = Open();
        Assert.Equal(["topic:b", "topic:a"], reopened.Newest(new AuditQuery(), 10).Select(e => e.Target));
    }

    [Fact]
    public void TurnedOffItWritesNothing()
    {
        using var log = new AuditLog(Options.Create(new AuditOptions { Directory = _dir, Enabled = false }), _time, NullLogger<AuditLog>.Instance);
        log.Record(Entry("ada", "topic:delete", "topic:a"));
        Assert.False(Directory.Exists(_dir));
        Assert.Empty(log.Newest(new AuditQuery(), 10));
    }
}
