using System.Text;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.LogFormat.Tests;

/// <summary>CRC-32C (record batch v2) and CRC-32 (legacy messages) against published check values and a bitwise reference.</summary>
public class ChecksumTests
{
    /// <summary>The textbook bit-at-a-time CRC-32C (reflected polynomial 0x82F63B78): slow, obviously right.</summary>
    private static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    [Theory]
    [InlineData("123456789", 0xE3069283u)] // the standard check value
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    public void Crc32CMatchesTheCheckValues(string text, uint expected) =>
        Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Crc32CMatchesRfc3720Vectors()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Fact]
    public void Crc32CAgreesWithTheReferenceAtEveryLengthAndAlignment()
    {
        var data = new byte[300];
        new Random(42).NextBytes(data);
        for (int start = 0; start < 8; start++)
            for (int length = 0; length <= data.Length - start; length += 7)
                Assert.Equal(ReferenceCrc32C(data.AsSpan(start, length)), Crc32C.Compute(data.AsSpan(start, length)));
    }

    [Fact]
    public void Crc32IeeeMatchesTheCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32Ieee.Compute("123456789"u8));
        Assert.Equal(0u, Crc32Ieee.Compute([]));
    }
}
