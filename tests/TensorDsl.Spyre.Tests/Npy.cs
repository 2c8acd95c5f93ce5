using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace TensorDsl.Spyre.Tests;

/// <summary>Minimal .npy (format 1.0, little-endian, C order) for float16 and int32 tensors.</summary>
public static class Npy
{
    public static void Write(string path, ReadOnlySpan<Half> data, params int[] shape) => Write(path, "<f2", MemoryMarshal.AsBytes(data), shape);

    public static void Write(string path, ReadOnlySpan<int> data, params int[] shape) => Write(path, "<i4", MemoryMarshal.AsBytes(data), shape);

    public static Half[] ReadHalf(string path, out int[] shape) => MemoryMarshal.Cast<byte, Half>(Read(path, "<f2", out shape)).ToArray();

    public static int[] ReadInt(string path, out int[] shape) => MemoryMarshal.Cast<byte, int>(Read(path, "<i4", out shape)).ToArray();

    private static byte[] Read(string path, string descr, out int[] shape)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException(path + " is not an .npy file");
        }

        int headerLength = bytes[6] == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int offset = bytes[6] == 1 ? 10 : 12;
        var header = Encoding.ASCII.GetString(bytes, offset, headerLength);
        if (!header.Contains($"'{descr}'", StringComparison.Ordinal) || header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException(path + $": expected {descr} in C order, header " + header);
        }

        var dims = header[(header.IndexOf('(') + 1)..header.IndexOf(')')];
        shape = dims.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        return bytes.AsSpan(offset + headerLength).ToArray();
    }

    private static void Write(string path, string descr, ReadOnlySpan<byte> data, int[] shape)
    {
        var dims = shape.Length == 1 ? shape[0] + "," : string.Join(", ", shape);
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var file = File.Create(path);
        file.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(data);
    }
}
