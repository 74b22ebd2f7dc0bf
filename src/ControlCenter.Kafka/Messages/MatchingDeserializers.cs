using Confluent.Kafka;

namespace ControlCenter.Kafka.Messages;

/// <summary>
/// Per-worker scratch state shared by the key and value deserializers of one consumer (librdkafka
/// calls them one after the other on the consuming thread). Bytes go into reusable buffers, so
/// a record only allocates when it matches: that is what keeps a scan of millions cheap.
/// </summary>
internal sealed class MatchScratch(int previewLimit)
{
    public readonly Buffer Key = new(previewLimit);
    public readonly Buffer Value = new(previewLimit);
    public bool KeyMatched;

    internal sealed class Buffer(int previewLimit)
    {
        private byte[] _data = new byte[256];
        public int Length { get; private set; }
        public int FullSize { get; private set; }
        public bool IsNull { get; private set; }

        public void Set(ReadOnlySpan<byte> data, bool isNull)
        {
            IsNull = isNull;
            FullSize = isNull ? 0 : data.Length;
            int keep = isNull ? 0 : Math.Min(data.Length, previewLimit);
            if (keep > _data.Length) _data = new byte[Math.Max(keep, _data.Length * 2)];
            data[..keep].CopyTo(_data);
            Length = keep;
        }

        public byte[]? ToArray() => IsNull ? null : _data.AsSpan(0, Length).ToArray();
    }
}

/// <summary>The deserialized "value" is just the verdict; the bytes stay in the scratch buffers.</summary>
internal readonly record struct Verdict(bool Matched);

internal sealed class KeyMatcher(MatchScratch scratch, RecordConditions conditions) : IDeserializer<Verdict>
{
    public Verdict Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        scratch.Key.Set(data, isNull);
        bool matched = conditions.Count == 0 || (!isNull && conditions.Match(data));
        scratch.KeyMatched = matched;
        return new Verdict(matched);
    }
}

internal sealed class ValueMatcher(MatchScratch scratch, RecordConditions conditions) : IDeserializer<Verdict>
{
    public Verdict Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (!scratch.KeyMatched) return new Verdict(false); // no need to look at the value
        bool matched = conditions.Count == 0 || (!isNull && conditions.Match(data));
        if (matched) scratch.Value.Set(data, isNull);
        return new Verdict(matched);
    }
}
