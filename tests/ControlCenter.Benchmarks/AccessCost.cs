using System.Diagnostics;
using System.Text;
using ControlCenter.Access;
using ControlCenter.Access.Audit;
using ControlCenter.Access.Users;
using ControlCenter.Kafka.Masking;
using ControlCenter.Kafka.Messages;
using ControlCenter.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlCenter.Benchmarks;

/// <summary>
/// What access control costs: a search over 1M records with a masking rule on the topic beside the
/// same search unmasked (alternating, same broker); an HTTP Basic check the first time (PBKDF2)
/// and once remembered; an audit entry appended and flushed to disk.
/// </summary>
public static class AccessCost
{
    // The same topic and planted match as search-scan, written by its producer.
    private const string Topic = SearchScan.Topic, Needle = SearchScan.Needle;

    public static async Task RunAsync(Options options)
    {
        int records = options.GetInt("records", 1_000_000), rounds = options.GetInt("rounds", 3);
        await using var app = new AppFactory(Bench.AppSettings());
        app.Start();
        await Wait.UntilAsync(() => app.Monitor.Status.IsReachable, "cluster");
        await Clients.CreateTopicAsync(app.Bootstrap, Topic, 6);
        SearchScan.Produce(app.Bootstrap, records, records - 1_000);
        var search = app.Get<MessageSearch>();
        var mask = new MaskingPolicy(Microsoft.Extensions.Options.Options.Create(new MaskingOptions
        {
            Rules = [new MaskingRuleOptions { Topics = Topic, JsonPaths = ["$.user"], Regexes = [@"\bamount"] }],
        })).For(Topic)!;
        Console.WriteLine($"access: search over {records:N0} records (6 partitions) with a mask ($.user, one regex) beside unmasked; {rounds} rounds");
        var plain = new List<double>();
        var masked = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            plain.Add(records / await SearchSecondsAsync(search, records, null, Needle, 1));
            masked.Add(records / await SearchSecondsAsync(search, records, mask, Needle, 1));
            Console.WriteLine($"  round {round + 1}: unmasked {plain[^1],12:N0} rec/s   masked {masked[^1],12:N0} rec/s");
        }
        // The masked field is never found (and a search for it scans everything).
        await SearchSecondsAsync(search, records, mask, "user-", 0);
        Report.Line("search, unmasked (median)", SearchScan.Median(plain), "rec/s");
        Report.Line("search, masked (median)", SearchScan.Median(masked), "rec/s");
        Report.Line("ratio masked / unmasked", $"{SearchScan.Median(masked) / SearchScan.Median(plain):0.00}×");

        var users = new LocalUsers(new AccessOptions { Users = { ["bench"] = new UserOptions { PasswordHash = PasswordHashing.Hash("pw"), Roles = ["operator"] } } });
        var basic = new BasicAuthenticator(users, new SignInThrottle(TimeProvider.System), TimeProvider.System);
        string header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bench:pw"));
        var watch = Stopwatch.StartNew();
        if (!basic.Authenticate(header, "bench").Succeeded) throw new InvalidOperationException("sign-in failed");
        double first = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        const int checks = 100_000;
        for (int i = 0; i < checks; i++) basic.Authenticate(header, "bench");
        Report.Line("HTTP Basic, first check (PBKDF2)", first, "ms");
        Report.Line("HTTP Basic, remembered", checks / watch.Elapsed.TotalSeconds, "checks/s");

        string dir = TempDir.Create("audit-bench");
        using (var audit = new AuditLog(Microsoft.Extensions.Options.Options.Create(new AuditOptions { Directory = dir }), TimeProvider.System, NullLogger<AuditLog>.Instance))
        {
            const int entries = 2_000;
            watch.Restart();
            for (int i = 0; i < entries; i++)
                audit.Record(new AuditEntry(DateTimeOffset.UtcNow, "bench", "messages:read", "topic:scan", AuditResults.Ok, null, "browse partitions=all", "127.0.0.1"));
            Report.Line("audit entries appended and flushed", entries / watch.Elapsed.TotalSeconds, "entries/s");
        }
        TempDir.Delete(dir);
    }

    private static async Task<double> SearchSecondsAsync(MessageSearch search, int records, RecordMask? mask, string needle, int expected)
    {
        var watch = Stopwatch.StartNew();
        var result = await search.RunAsync(new SearchRequest(Topic, new MessageFilter([new FilterCondition(FilterTarget.Value, FilterKind.Contains, needle)]),
            MaxMatches: 100, Mask: mask), null, default);
        double seconds = watch.Elapsed.TotalSeconds;
        if (result.Final.Scanned != records || result.Matches.Count != expected)
            throw new InvalidOperationException($"search for {needle} scanned {result.Final.Scanned:N0}, found {result.Matches.Count}, expected {expected}");
        return seconds;
    }
}
