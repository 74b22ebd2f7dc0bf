using System.Globalization;
using System.Text;

using ControlCenter.LogFormat;

namespace ControlCenter.LogFormat.Files;

/// <summary>
/// Kafka's text checkpoint format (CheckpointFile): a version line "0", a count line, then one
/// entry per line. Writes go to a temp file that is fsynced and renamed, so a crash leaves
/// either the old or the new file, never half of one.
/// </summary>
public static class CheckpointFile
{
    public static void Write(string path, IEnumerable<string> lines)
    {
        var list = lines.ToList();
        var text = new StringBuilder();
        text.Append("0\n").Append(list.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var line in list) text.Append(line).Append('\n');
        WriteAtomically(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    public static List<string> ReadEntries(string path)
    {
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0].Trim() != "0")
            throw new InvalidDataException($"Unrecognised checkpoint file {path}");
        int count = int.Parse(lines[1].Trim(), CultureInfo.InvariantCulture);
        if (lines.Length < 2 + count) throw new InvalidDataException($"Checkpoint file {path} is truncated");
        return lines.Skip(2).Take(count).ToList();
    }

    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>recovery-point / log-start-offset / replication-offset checkpoints: "topic partition offset".</summary>
public static class OffsetCheckpointFile
{
    public static void Write(string path, IEnumerable<KeyValuePair<(string Topic, int Partition), long>> offsets) =>
        CheckpointFile.Write(path, offsets.Select(kv =>
            $"{kv.Key.Topic} {kv.Key.Partition.ToString(CultureInfo.InvariantCulture)} {kv.Value.ToString(CultureInfo.InvariantCulture)}"));

    public static Dictionary<(string Topic, int Partition), long> Read(string path)
    {
        var result = new Dictionary<(string, int), long>();
        foreach (var line in CheckpointFile.ReadEntries(path))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3) throw new InvalidDataException($"Malformed checkpoint line '{line}' in {path}");
            result[(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture))] = long.Parse(parts[2], CultureInfo.InvariantCulture);
        }
        return result;
    }
}

/// <summary>leader-epoch-checkpoint: "epoch startOffset" lines.</summary>
public static class LeaderEpochCheckpointFile
{
    public static void Write(string path, IEnumerable<(int Epoch, long StartOffset)> entries) =>
        CheckpointFile.Write(path, entries.Select(e =>
            $"{e.Epoch.ToString(CultureInfo.InvariantCulture)} {e.StartOffset.ToString(CultureInfo.InvariantCulture)}"));

    public static List<(int Epoch, long StartOffset)> Read(string path) =>
        CheckpointFile.ReadEntries(path).Select(line =>
        {
            var parts = line.Split(' ');
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
        }).ToList();
}

/// <summary>partition.metadata: "version: 0" and the topic id in URL-safe base64.</summary>
public static class PartitionMetadataFile
{
    public static void Write(string path, Guid topicId) =>
        CheckpointFile.WriteAtomically(path, Encoding.UTF8.GetBytes($"version: 0\ntopic_id: {UuidCodec.ToBase64Url(topicId)}\n"));

    public static Guid? Read(string path)
    {
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadAllLines(path))
            if (line.StartsWith("topic_id:", StringComparison.Ordinal))
                return UuidCodec.FromBase64Url(line["topic_id:".Length..].Trim());
        return null;
    }
}

/// <summary>meta.properties: Java properties with the cluster id and node id.</summary>
public static class MetaPropertiesFile
{
    public static Dictionary<string, string> Read(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return result;
        foreach (var raw in File.ReadAllLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int eq = line.IndexOf('=');
            if (eq > 0) result[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        return result;
    }

    public static void Write(string path, IReadOnlyDictionary<string, string> properties)
    {
        var text = new StringBuilder("#\n#" + DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture) + "\n");
        foreach (var (key, value) in properties.OrderBy(p => p.Key, StringComparer.Ordinal)) text.Append(key).Append('=').Append(value).Append('\n');
        CheckpointFile.WriteAtomically(path, Encoding.UTF8.GetBytes(text.ToString()));
    }
}
