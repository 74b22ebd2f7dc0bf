using System.Buffers.Binary;
using ControlCenter.Broker.Protocol.Messages;

namespace ControlCenter.Testing.Fuzz;

/// <summary>
/// Breaks a well-formed request where parsers break: the length of a string, bytes or array
/// (negative, one too many, huge), a varint (overlong, unterminated, overflowing), the
/// tagged-field section (unknown, repeated, out of order, oversized tags), or the body cut
/// short at a field boundary or padded with junk. The spans from <see cref="MessageWriter"/>
/// say where each of these lies.
/// </summary>
public static class FrameMutator
{
    public static (byte[] Body, string What) Mutate(byte[] body, IReadOnlyList<FieldSpan> spans, Random random)
    {
        var prefixes = spans.Where(s => s.Kind != SpanKind.Field).ToList();
        var tagSections = spans.Where(s => s.Kind == SpanKind.TagCount).ToList();
        int pick = random.Next(100);
        if (prefixes.Count > 0 && pick < 50) return Prefix(body, prefixes[random.Next(prefixes.Count)], random);
        if (tagSections.Count > 0 && pick < 70) return InjectTags(body, tagSections[random.Next(tagSections.Count)], random);
        if (pick < 90 && body.Length > 0) return Truncate(body, spans, random);
        var junk = new byte[random.Next(1, 64)];
        random.NextBytes(junk);
        return ([.. body, .. junk], $"{junk.Length} junk bytes appended");
    }

    private static (byte[], string) Prefix(byte[] body, FieldSpan span, Random random)
    {
        var copy = (byte[])body.Clone();
        switch (span.Kind)
        {
            case SpanKind.Int16Length:
                short current16 = BinaryPrimitives.ReadInt16BigEndian(copy.AsSpan(span.Start));
                short[] shorts = [-2, -1, 0, (short)(current16 + 1), (short)(current16 + 200), short.MaxValue, short.MinValue];
                short v16 = shorts[random.Next(shorts.Length)];
                BinaryPrimitives.WriteInt16BigEndian(copy.AsSpan(span.Start), v16);
                return (copy, $"{span.Path} length {current16} → {v16}");
            case SpanKind.Int32Length:
                int current32 = BinaryPrimitives.ReadInt32BigEndian(copy.AsSpan(span.Start));
                int[] ints = [-2, -1, 0, current32 + 1, current32 + 10_000, int.MaxValue, int.MinValue, 0x7FFF_FFF0];
                int v32 = ints[random.Next(ints.Length)];
                BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(span.Start), v32);
                return (copy, $"{span.Path} length {current32} → {v32}");
            default:
                uint current = ReadUVarint(body, span.Start);
                byte[][] encodings =
                [
                    UVarint(0), UVarint(current + 1), UVarint(current + 300), UVarint(uint.MaxValue),
                    [0xFF, 0xFF, 0xFF, 0xFF, 0xFF],             // a fifth byte with too many bits: overflows 32 bits
                    [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // longer than any 32-bit varint
                    [0x80, 0x80],                               // unterminated: the next field's bytes continue it
                ];
                var replacement = encodings[random.Next(encodings.Length)];
                return (Splice(body, span.Start, span.Length, replacement), $"{span.Path} {span.Kind} {current} → [{Convert.ToHexString(replacement)}]");
        }
    }

    private static (byte[], string) InjectTags(byte[] body, FieldSpan section, Random random)
    {
        uint count = ReadUVarint(body, section.Start);
        using var tags = new LogFormat.KafkaWriter();
        int extra = random.Next(1, 4);
        uint tag = (uint)random.Next(0, 4);
        for (int i = 0; i < extra; i++)
        {
            tags.WriteUVarint(random.Next(4) == 0 ? tag : tag + (uint)i); // sometimes the same tag twice
            int size = random.Next(0, 8);
            bool lie = random.Next(4) == 0;
            tags.WriteUVarint(lie ? (uint)random.Next(100, int.MaxValue) : (uint)size); // sometimes more than there is
            var data = new byte[size];
            random.NextBytes(data);
            tags.WriteRaw(data);
        }
        var replacement = UVarint(count + (uint)extra).Concat(tags.WrittenSpan.ToArray()).ToArray();
        return (Splice(body, section.Start, section.Length, replacement), $"{section.Path}: {extra} tagged field(s) injected");
    }

    private static (byte[], string) Truncate(byte[] body, IReadOnlyList<FieldSpan> spans, Random random)
    {
        int at = spans.Count > 0 && random.Next(2) == 0
            ? Math.Min(body.Length - 1, spans[random.Next(spans.Count)].Start + random.Next(3))
            : random.Next(body.Length);
        return (body[..Math.Max(0, at)], $"cut at {at} of {body.Length}");
    }

    private static byte[] Splice(byte[] body, int start, int length, byte[] replacement) =>
        [.. body.AsSpan(0, start), .. replacement, .. body.AsSpan(start + length)];

    private static byte[] UVarint(uint value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80) { bytes.Add((byte)(value | 0x80)); value >>= 7; }
        bytes.Add((byte)value);
        return [.. bytes];
    }

    private static uint ReadUVarint(byte[] data, int at)
    {
        uint value = 0;
        for (int shift = 0; shift <= 28 && at < data.Length; shift += 7)
        {
            byte b = data[at++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
        }
        return value;
    }
}
