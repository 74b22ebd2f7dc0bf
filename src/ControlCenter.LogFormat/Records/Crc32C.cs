using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ControlCenter.LogFormat.Records;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of record batch v2. <see cref="BitOperations.Crc32C(uint, ulong)"/>
/// compiles to the SSE4.2 / ARMv8 CRC32C instruction where the CPU has one, 8 bytes per step.
/// </summary>
public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFFu, data);

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var longs = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong value in longs)
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        foreach (byte b in data[(longs.Length * 8)..])
            crc = BitOperations.Crc32C(crc, b);
        return crc;
    }
}
