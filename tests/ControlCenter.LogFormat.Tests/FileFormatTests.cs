using System.Text;
using ControlCenter.LogFormat.Files;

namespace ControlCenter.LogFormat.Tests;

/// <summary>Index and checkpoint files in Kafka's own layout, written and read here.</summary>
public sealed class FileFormatTests : IDisposable
{
    private readonly string _dir = TempDir.Create("logformat");

    public void Dispose() => TempDir.Delete(_dir);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void OffsetIndexEntriesAreEightBigEndianBytesAndATornTailIsIgnored()
    {
        var bytes = new byte[OffsetIndexEntry.Size * 2 + 5];
        new OffsetIndexEntry(7, 4096).Write(bytes);
        new OffsetIndexEntry(15, 8192).Write(bytes.AsSpan(8));
        Assert.Equal<byte>([0, 0, 0, 7, 0, 0, 0x10, 0], bytes[..8]);
        Assert.Equal([new OffsetIndexEntry(7, 4096), new OffsetIndexEntry(15, 8192)], OffsetIndexEntry.ReadAll(bytes));

        var time = new byte[TimeIndexEntry.Size];
        new TimeIndexEntry(1_700_000_000_123, 9).Write(time);
        Assert.Equal(new TimeIndexEntry(1_700_000_000_123, 9), Assert.Single(TimeIndexEntry.ReadAll(time)));
    }

    [Theory]
    [InlineData(0, 0)]       // an empty index
    [InlineData(5, 0)]       // trimmed: every slot is an entry
    [InlineData(5, 1000)]    // preallocated by a running Kafka: zeros after the entries
    [InlineData(1, 130_000)]
    public void EntriesOfTrimmedAndPreallocatedIndexesAreCounted(int entries, int blankSlots)
    {
        var bytes = new byte[(entries + blankSlots) * OffsetIndexEntry.Size];
        for (int i = 0; i < entries; i++) new OffsetIndexEntry(i + 1, (i + 1) * 100).Write(bytes.AsSpan(i * OffsetIndexEntry.Size));
        string path = PathOf("00000000000000000000.index");
        File.WriteAllBytes(path, bytes);
        using var file = IndexFileReader.OpenShared(path);
        int count = IndexFileReader.CountEntries(file, OffsetIndexEntry.Size);
        Assert.Equal(entries, count);
        var page = IndexFileReader.ReadOffsetEntries(file, count, first: 1, count: 3);
        Assert.Equal(Enumerable.Range(2, Math.Max(0, Math.Min(3, entries - 1))).Select(o => new OffsetIndexEntry(o, o * 100)), page);
    }

    [Fact]
    public void OffsetCheckpointsUseKafkasTextFormat()
    {
        string path = PathOf("recovery-point-offset-checkpoint");
        OffsetCheckpointFile.Write(path, [KeyValuePair.Create(("orders", 0), 42L), KeyValuePair.Create(("my.topic_1", 11), 7L)]);
        Assert.Equal("0\n2\norders 0 42\nmy.topic_1 11 7\n", File.ReadAllText(path));
        Assert.Equal(new Dictionary<(string, int), long> { [("orders", 0)] = 42, [("my.topic_1", 11)] = 7 }, OffsetCheckpointFile.Read(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Theory]
    [InlineData("1\n0\n")]                 // an unknown version
    [InlineData("0\n3\norders 0 1\n")]     // fewer entries than announced
    [InlineData("0\n1\norders 0\n")]       // a malformed entry
    public void MalformedCheckpointsAreRefused(string text)
    {
        string path = PathOf("bad-checkpoint");
        File.WriteAllText(path, text);
        Assert.Throws<InvalidDataException>(() => OffsetCheckpointFile.Read(path));
    }

    [Fact]
    public void PartitionMetadataLeaderEpochsAndMetaPropertiesRoundTrip()
    {
        var id = Guid.Parse("7a3b0c1e-2d4f-4a5b-9c6d-8e7f60718293");
        string metadata = PathOf("partition.metadata");
        PartitionMetadataFile.Write(metadata, id);
        Assert.Equal($"version: 0\ntopic_id: {UuidCodec.ToBase64Url(id)}\n", File.ReadAllText(metadata));
        Assert.Equal(id, PartitionMetadataFile.Read(metadata));
        Assert.Null(PartitionMetadataFile.Read(PathOf("missing")));

        string epochs = PathOf("leader-epoch-checkpoint");
        LeaderEpochCheckpointFile.Write(epochs, [(0, 0L), (3, 1500L)]);
        Assert.Equal("0\n2\n0 0\n3 1500\n", File.ReadAllText(epochs));
        Assert.Equal([(0, 0L), (3, 1500L)], LeaderEpochCheckpointFile.Read(epochs));

        string meta = PathOf("meta.properties");
        MetaPropertiesFile.Write(meta, new Dictionary<string, string> { ["node.id"] = "1", ["cluster.id"] = "abc", ["version"] = "1" });
        var lines = File.ReadAllLines(meta);
        Assert.StartsWith("#", lines[1]);
        Assert.Equal(["cluster.id=abc", "node.id=1", "version=1"], lines.Skip(2));
        Assert.Equal("abc", MetaPropertiesFile.Read(meta)["cluster.id"]);
    }

    [Fact]
    public void SegmentFileNamesAreTwentyDigitBaseOffsets()
    {
        Assert.Equal(Path.Combine("d", "00000000000000001234.log"), LogFileNames.LogFile("d", 1234));
        Assert.Equal(1234L, LogFileNames.ParseBaseOffset("00000000000000001234.log"));
        Assert.Null(LogFileNames.ParseBaseOffset("1234.log"));
        Assert.Equal(("my-topic", 12), LogFileNames.ParsePartitionDir("my-topic-12"));
        Assert.Null(LogFileNames.ParsePartitionDir("no-partition"));
        Assert.Equal(Encoding.UTF8.GetBytes("my-topic-3"), Encoding.UTF8.GetBytes(LogFileNames.PartitionDirName("my-topic", 3)));
    }
}
