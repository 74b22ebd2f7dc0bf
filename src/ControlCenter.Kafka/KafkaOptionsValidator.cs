using System.Text.RegularExpressions;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka;

/// <summary>
/// Start-up validation of <see cref="KafkaOptions"/>: a well-formed bootstrap list and client
/// properties that librdkafka itself accepts (it is asked, by building a client that is never
/// used), so a typo is one clear message at start-up instead of a failure later.
/// </summary>
public sealed partial class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    [GeneratedRegex(@"^(?:[A-Za-z_]+://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(?<port>\d{1,5}))?$")]
    private static partial Regex BootstrapEntry();

    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.BootstrapServers))
            failures.AddRange(ValidateBootstrap(options.BootstrapServers));
        if (options.Client.Keys.FirstOrDefault(k => k is "bootstrap.servers" or "metadata.broker.list") is { } dup)
            failures.Add($"Kafka:Client:{dup} is not allowed: set Kafka:BootstrapServers instead");
        if (options.RequestTimeoutMs is < 100 or > 600_000)
            failures.Add($"Kafka:RequestTimeoutMs must be between 100 and 600000, not {options.RequestTimeoutMs}");
        if (failures.Count == 0 && options.Client.Count > 0 && LibrdkafkaRejects(options) is { } error)
            failures.Add($"Kafka:Client is rejected by librdkafka: {error}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static IEnumerable<string> ValidateBootstrap(string bootstrap)
    {
        foreach (var raw in bootstrap.Split(','))
        {
            string entry = raw.Trim();
            var match = BootstrapEntry().Match(entry);
            if (entry.Length == 0)
                yield return $"Kafka:BootstrapServers '{bootstrap}' has an empty entry";
            else if (!match.Success)
                yield return $"Kafka:BootstrapServers entry '{entry}' is not host:port";
            else if (match.Groups["port"].Success && int.Parse(match.Groups["port"].Value) is < 1 or > 65535)
                yield return $"Kafka:BootstrapServers entry '{entry}' has a port outside 1-65535";
        }
    }

    private static string? LibrdkafkaRejects(KafkaOptions options)
    {
        var config = new AdminClientConfig(new Dictionary<string, string>(options.Client)) { BootstrapServers = "127.0.0.1:1" };
        try
        {
            using var probe = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
            return null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            return e.Message;
        }
    }
}
