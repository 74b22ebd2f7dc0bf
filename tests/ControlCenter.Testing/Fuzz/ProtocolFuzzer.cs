using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using ControlCenter.Broker.Protocol.Apis;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.LogFormat;

namespace ControlCenter.Testing.Fuzz;

/// <summary>What a fuzz run sent and what came back.</summary>
public sealed record FuzzResult(long Sent, long Mutated, long Responses, long ConnectionsClosed, long TimedOut,
    IReadOnlyDictionary<string, long> ValidRequestsAnswered, IReadOnlyList<string> ValidRequestsNotAnswered, TimeSpan Elapsed)
{
    public double RequestsPerSecond => Sent / Math.Max(Elapsed.TotalSeconds, 1e-3);
}

/// <summary>
/// Structure-aware protocol fuzzing: requests for every API and version the broker serves are
/// built from their definitions (<see cref="ApiCatalog.Definitions"/>), and most are broken by
/// <see cref="FrameMutator"/> where parsers break. The header stays valid so every request
/// reaches its API's parser. Well-formed ones (a share of them) must be answered; broken ones
/// may be answered or end the connection, nothing else. Seeded, so a failure replays.
/// </summary>
/// <param name="mutatedPercent">How many requests are broken (the rest are sent well-formed and must be answered).</param>
/// <param name="inTurn">Every API and version in turn instead of at random, so a run of at least as many requests as there are versions covers them all.</param>
public sealed class ProtocolFuzzer(string bootstrap, int seed, int mutatedPercent = 85, FuzzVocabulary? vocabulary = null, bool inTurn = false)
{
    private static readonly (ApiDefinition Api, short Version)[] Every =
        [.. ApiCatalog.Definitions.SelectMany(a => a.Versions.Select(v => (a, v)))];

    /// <summary>How long a request may go unanswered before the connection is dropped (fuzzed values can ask a broker to wait).</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    private long _sent, _mutated, _responses, _closed, _timedOut;
    private readonly ConcurrentDictionary<string, long> _answered = new();
    private readonly ConcurrentQueue<string> _notAnswered = new();

    public async Task<FuzzResult> RunAsync(int requests, int connections, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(() => WorkAsync(requests, seed * 1_000 + w, cancellation), cancellation));
        await Task.WhenAll(workers);
        return new FuzzResult(Math.Min(_sent, requests), _mutated, _responses, _closed, _timedOut,
            new Dictionary<string, long>(_answered), [.. _notAnswered], watch.Elapsed);
    }

    private async Task WorkAsync(int requests, int workerSeed, CancellationToken cancellation)
    {
        var random = new Random(workerSeed);
        var generator = new RequestGenerator(random, vocabulary ?? FuzzVocabulary.Default);
        var apis = ApiCatalog.Definitions;
        Connection? connection = null;
        int correlation = 0;
        try
        {
            long n;
            while ((n = Interlocked.Increment(ref _sent)) <= requests && !cancellation.IsCancellationRequested)
            {
                var (api, version) = inTurn ? Every[(n - 1) % Every.Length] : Pick(apis, random);
                var value = generator.Generate(api.Request, version);
                var spans = new List<FieldSpan>();
                byte[] body;
                using (var w = new KafkaWriter()) { MessageWriter.Write(api.Request, version, value, w, spans); body = w.ToArray(); }
                bool mutate = random.Next(100) < mutatedPercent;
                if (mutate)
                {
                    (body, _) = FrameMutator.Mutate(body, spans, random);
                    Interlocked.Increment(ref _mutated);
                }
                // acks=0 produce is never answered (Kafka's rule): only send it.
                bool answered = !(api.Key == Broker.Protocol.ApiKey.Produce && value.GetValueOrDefault("Acks") is (short)0);
                connection ??= await Connection.OpenAsync(bootstrap, cancellation);
                var frame = Frame(api, version, ++correlation, body);
                var outcome = await connection.ExchangeAsync(frame, correlation, answered, cancellation);
                string what = $"{api.Key} v{version}";
                switch (outcome)
                {
                    case Outcome.Answered:
                        Interlocked.Increment(ref _responses);
                        if (!mutate) _answered.AddOrUpdate(what, 1, (_, n) => n + 1);
                        break;
                    case Outcome.NotAwaited:
                        // Kafka closes a connection whose acks=0 produce failed: hang up, so the next request's fate is its own.
                        connection.Dispose();
                        connection = null;
                        break;
                    default:
                        if (outcome == Outcome.Closed) Interlocked.Increment(ref _closed); else Interlocked.Increment(ref _timedOut);
                        if (!mutate && outcome == Outcome.Closed) _notAnswered.Enqueue($"{what} closed the connection: {Describe(value)}");
                        connection.Dispose();
                        connection = null;
                        break;
                }
            }
        }
        finally { connection?.Dispose(); }
    }

    private static (ApiDefinition, short) Pick(IReadOnlyList<ApiDefinition> apis, Random random)
    {
        var api = apis[random.Next(apis.Count)];
        // A join (and the sync after it) waits out a rebalance: fewer of them keep the run fast.
        if (api.Key is Broker.Protocol.ApiKey.JoinGroup or Broker.Protocol.ApiKey.SyncGroup && random.Next(10) != 0) api = apis[random.Next(apis.Count)];
        return (api, (short)random.Next(api.MinVersion, api.MaxVersion + 1));
    }

    private static byte[] Frame(ApiDefinition api, short version, int correlation, byte[] body)
    {
        using var w = new KafkaWriter(body.Length + 64);
        w.Reserve(4);
        w.WriteInt16((short)api.Key);
        w.WriteInt16(version);
        w.WriteInt32(correlation);
        w.WriteNullableString("protocol-fuzzer");
        if (api.Request.IsFlexible(version)) w.WriteEmptyTaggedFields(); // request header v2
        w.WriteRaw(body);
        w.PatchInt32(0, w.Length - 4);
        return w.ToArray();
    }

    private static string Describe(StructValue value) =>
        string.Join(", ", value.Select(kv => $"{kv.Key}={(kv.Value is IList<object?> list ? $"[{list.Count}]" : kv.Value)}"));

    private enum Outcome { Answered, NotAwaited, Closed, TimedOut }

    private sealed class Connection : IDisposable
    {
        private readonly TcpClient _tcp = new() { NoDelay = true };
        private NetworkStream _stream = null!;
        private readonly byte[] _size = new byte[4];

        public static async Task<Connection> OpenAsync(string bootstrap, CancellationToken cancellation)
        {
            var connection = new Connection();
            var parts = bootstrap.Split(':');
            await connection._tcp.ConnectAsync(parts[0], int.Parse(parts[1]), cancellation);
            connection._stream = connection._tcp.GetStream();
            return connection;
        }

        public async Task<Outcome> ExchangeAsync(byte[] frame, int correlation, bool answered, CancellationToken cancellation)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(AnswerTimeout);
            try
            {
                await _stream.WriteAsync(frame, timeout.Token);
                if (!answered) return Outcome.NotAwaited;
                await _stream.ReadExactlyAsync(_size, timeout.Token);
                int size = BinaryPrimitives.ReadInt32BigEndian(_size);
                if (size < 4 || size > 256 * 1024 * 1024) throw new InvalidDataException($"Response size {size}");
                var response = new byte[size];
                await _stream.ReadExactlyAsync(response, timeout.Token);
                int got = BinaryPrimitives.ReadInt32BigEndian(response);
                if (got != correlation) throw new InvalidDataException($"Response for correlation id {got}, expected {correlation}");
                return Outcome.Answered;
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested) { return Outcome.TimedOut; }
            catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or ObjectDisposedException) { return Outcome.Closed; }
        }

        public void Dispose() => _tcp.Dispose();
    }
}
