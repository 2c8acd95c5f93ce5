using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace TensorDsl.Cli.Npy;

/// <summary>The element types tensordsl reads and writes.</summary>
public enum NpyType
{
    Float32,
    Float16,
    Int32,

    /// <summary>NumPy's default integer (<c>np.array([3, 21])</c>); read for metadata, narrowed to int32 with a range check.</summary>
    Int64,
}

/// <summary>A bad .npy file or an unsupported one: the message is one line, meant for the user as it stands.</summary>
public sealed class NpyFormatException(string message) : Exception(message);

/// <summary>
/// A NumPy array as stored in a .npy file (format versions 1.0, 2.0 and 3.0): little-endian float32 ('&lt;f4'), float16
/// ('&lt;f2'), int32 ('&lt;i4') or int64 ('&lt;i8'), C order. The data is kept as raw little-endian bytes. docs/cli.md, ".npy files".
/// </summary>
public sealed class NpyArray
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    public NpyArray(NpyType type, IReadOnlyList<int> shape, byte[] data)
    {
        Type = type;
        Shape = shape.ToArray();
        long count = 1;
        foreach (var dim in Shape)
        {
            if (dim < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), "negative dimension");
            }

            count *= dim;
        }

        if (count * ElementSize(type) != data.LongLength)
        {
            throw new ArgumentException($"{data.Length} bytes do not hold shape ({string.Join(", ", Shape)}) of {Describe(type)}");
        }

        Count = checked((int)count);
        Data = data;
    }

    public NpyType Type { get; }

    public int[] Shape { get; }

    public int Count { get; }

    public byte[] Data { get; }

    public static NpyArray Create(ReadOnlySpan<float> values, params int[] shape) => new(NpyType.Float32, shape, MemoryMarshal.AsBytes(values).ToArray());

    public static NpyArray Create(ReadOnlySpan<Half> values, params int[] shape) => new(NpyType.Float16, shape, MemoryMarshal.AsBytes(values).ToArray());

    public static NpyArray Create(ReadOnlySpan<int> values, params int[] shape) => new(NpyType.Int32, shape, MemoryMarshal.AsBytes(values).ToArray());

    public static NpyArray Create(ReadOnlySpan<long> values, params int[] shape) => new(NpyType.Int64, shape, MemoryMarshal.AsBytes(values).ToArray());

    public ReadOnlySpan<float> AsFloat32() => Type == NpyType.Float32 ? MemoryMarshal.Cast<byte, float>(Data) : throw new InvalidOperationException("not float32");

    public ReadOnlySpan<Half> AsFloat16() => Type == NpyType.Float16 ? MemoryMarshal.Cast<byte, Half>(Data) : throw new InvalidOperationException("not float16");

    /// <summary>
    /// Integer data as int32. int64 is narrowed, and a value outside int32 is an error naming <paramref name="what"/> and
    /// the element (C order), never a silent wrap-around.
    /// </summary>
    public int[] ToInt32(string what)
    {
        if (Type == NpyType.Int32)
        {
            return MemoryMarshal.Cast<byte, int>(Data).ToArray();
        }

        if (Type != NpyType.Int64)
        {
            throw new InvalidOperationException("not an integer array");
        }

        var wide = MemoryMarshal.Cast<byte, long>(Data);
        var narrow = new int[wide.Length];
        for (var i = 0; i < wide.Length; i++)
        {
            if (wide[i] is < int.MinValue or > int.MaxValue)
            {
                throw new NpyFormatException($"{what}: element {i} is {wide[i]}, outside the int32 range the metadata uses");
            }

            narrow[i] = (int)wide[i];
        }

        return narrow;
    }

    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Length == 1 ? ",)" : ")");

    public static string Describe(NpyType type) => type switch
    {
        NpyType.Float32 => "float32",
        NpyType.Float16 => "float16",
        NpyType.Int64 => "int64",
        _ => "int32",
    };

    public static int ElementSize(NpyType type) => type switch
    {
        NpyType.Float16 => 2,
        NpyType.Int64 => 8,
        _ => 4,
    };

    // ---- reading ---------------------------------------------------------------------------------------------------

    public static NpyArray Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NpyFormatException($"{path}: cannot read the file ({e.Message.TrimEnd('.')})");
        }

        try
        {
            return Parse(bytes);
        }
        catch (NpyFormatException e)
        {
            throw new NpyFormatException($"{path}: {e.Message}");
        }
    }

    public static NpyArray Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
        {
            throw new NpyFormatException("not a NumPy .npy file (no \\x93NUMPY magic)");
        }

        int major = bytes[6];
        int headerLength;
        int offset;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                offset = 10;
                break;
            case 2:
            case 3:
                if (bytes.Length < 12)
                {
                    throw new NpyFormatException("truncated header");
                }

                var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
                if (length > int.MaxValue)
                {
                    throw new NpyFormatException("header too long");
                }

                headerLength = (int)length;
                offset = 12;
                break;
            default:
                throw new NpyFormatException($".npy format version {major}.{bytes[7]} is not supported (1.0, 2.0 and 3.0 are)");
        }

        if (bytes.Length < offset + headerLength)
        {
            throw new NpyFormatException("truncated header");
        }

        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes.Slice(offset, headerLength));
        var (type, fortran, shape) = ParseHeader(header);
        if (fortran && shape.Count(d => d > 1) > 1)
        {
            throw new NpyFormatException("the array is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }

        long count = 1;
        foreach (var dim in shape)
        {
            count *= dim;
            if (count > int.MaxValue)
            {
                throw new NpyFormatException($"shape ({string.Join(", ", shape)}) has more than {int.MaxValue} elements");
            }
        }

        var dataStart = offset + headerLength;
        var expected = count * ElementSize(type);
        var actual = bytes.Length - dataStart;
        if (actual != expected)
        {
            throw new NpyFormatException($"shape ({string.Join(", ", shape)}) of {Describe(type)} needs {expected} data bytes but the file has {actual}");
        }

        return new NpyArray(type, shape, bytes[dataStart..].ToArray());
    }

    private static readonly Regex DescrPattern = new(@"'descr'\s*:\s*'([^']*)'", RegexOptions.CultureInvariant);
    private static readonly Regex FortranPattern = new(@"'fortran_order'\s*:\s*(True|False)", RegexOptions.CultureInvariant);
    private static readonly Regex ShapePattern = new(@"'shape'\s*:\s*\(([^)]*)\)", RegexOptions.CultureInvariant);

    private static (NpyType Type, bool Fortran, int[] Shape) ParseHeader(string header)
    {
        var descr = DescrPattern.Match(header);
        var fortran = FortranPattern.Match(header);
        var shape = ShapePattern.Match(header);
        if (!header.TrimStart().StartsWith('{') || !descr.Success || !fortran.Success || !shape.Success)
        {
            throw new NpyFormatException("malformed header (expected a dict with 'descr', 'fortran_order' and 'shape')");
        }

        var type = descr.Groups[1].Value switch
        {
            "<f4" => NpyType.Float32,
            "<f2" => NpyType.Float16,
            "<i4" => NpyType.Int32,
            "<i8" => NpyType.Int64,
            ">f4" or ">f2" or ">i4" or ">i8" => throw new NpyFormatException($"big-endian data ('{descr.Groups[1].Value}') is not supported; save it little-endian"),
            var other => throw new NpyFormatException($"element type '{other}' is not supported (float32 '<f4', float16 '<f2', int32 '<i4' and int64 '<i8' are)"),
        };

        var dims = new List<int>();
        foreach (var part in shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var text = part.TrimEnd('L');
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var dim))
            {
                throw new NpyFormatException($"shape entry '{part}' is not a non-negative int");
            }

            dims.Add(dim);
        }

        return (type, fortran.Groups[1].Value == "True", dims.ToArray());
    }

    // ---- writing ---------------------------------------------------------------------------------------------------

    /// <summary>Format 1.0 (2.0 when the header would not fit), header padded so the data starts 64-byte aligned.</summary>
    public byte[] ToBytes()
    {
        var descr = Type switch
        {
            NpyType.Float32 => "<f4",
            NpyType.Float16 => "<f2",
            NpyType.Int64 => "<i8",
            _ => "<i4",
        };
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {ShapeText}, }}";
        var version = dict.Length + 11 > ushort.MaxValue ? 2 : 1;
        var prefix = version == 1 ? 10 : 12;
        var total = prefix + dict.Length + 1;
        var padded = (total + 63) / 64 * 64;
        var header = dict + new string(' ', padded - total) + "\n";

        var bytes = new byte[prefix + header.Length + Data.Length];
        Magic.CopyTo(bytes, 0);
        bytes[6] = (byte)version;
        bytes[7] = 0;
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)header.Length);
        }

        Encoding.Latin1.GetBytes(header, bytes.AsSpan(prefix));
        Data.CopyTo(bytes, prefix + header.Length);
        return bytes;
    }

    public void Write(string path)
    {
        try
        {
            File.WriteAllBytes(path, ToBytes());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NpyFormatException($"{path}: cannot write the file ({e.Message.TrimEnd('.')})");
        }
    }
}
