using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TensorDsl.Cpu.Simd;

/// <summary>
/// An fp16 element of a finite tile (<see cref="FiniteHalf.AllFinite"/>) read as its value times 2^-112: the finite
/// form without its rebiasing multiply (<see cref="ISimd{TV}.LoadScaledHalf"/>, 3 operations). The other operand of
/// every product it enters is scaled by <see cref="FiniteHalf.Rebias"/> instead — a decode's q rows, once per block,
/// or a tile's weights — so each product, and so every sum, is the same real number and gets the same bits
/// (docs/design.md, "Where K/V are read"). Never stored: a Half span is reinterpreted as this type for one tile.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
internal readonly struct ScaledHalf
{
    /// <summary>2^-112, exactly: <see cref="ISimd{TV}.LoadScaledHalf"/> = <c>(float)half · Unbias</c>.</summary>
    public const float Unbias = 1.925929944387236e-34f;
}

/// <summary>
/// An fp16 element of K/V rows the driver has checked hold no ±∞ or NaN (<see cref="AllFinite"/>): the tile kernels,
/// generic over the element type, then widen it with <see cref="ISimd{TV}.LoadFiniteHalf"/>, which gives the same
/// bits as <see cref="ISimd{TV}.LoadHalf"/> for every finite half in half the operations. Never stored: a Half span is
/// reinterpreted as this type for one tile.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
internal readonly struct FiniteHalf
{
    /// <summary>
    /// 2^112, exactly: a half's bits shifted into a float's place read as its value times 2^-112 (the exponent biases
    /// are 15 and 127), and this multiply rebiases them, subnormal halves included.
    /// </summary>
    public const float Rebias = 5.192296858534828e33f;

    /// <summary>Bits of a half with the sign cleared at or above this are ±∞ (exactly) or NaN.</summary>
    private const ushort Special = 0x7C00;

    /// <summary>
    /// Whether the <paramref name="elements"/>-long rows of <paramref name="data"/> at <paramref name="offsets"/> hold
    /// only finite halves. One pass of a max over the magnitudes' bits (3 operations per vector of 16 or 32 halves, at
    /// the widest hardware width), against the 4 per vector of 8 or 16 floats that the loads save. Rows that follow
    /// each other in memory (a dense cache's keys of one head, a page's) are scanned as one run.
    /// </summary>
    public static bool AllFinite(ReadOnlySpan<ushort> data, ReadOnlySpan<int> offsets, int elements)
    {
        for (int i = 0; i < offsets.Length; i++)
        {
            int first = offsets[i], length = elements;
            while (i + 1 < offsets.Length && offsets[i + 1] == first + length)
            {
                length += elements;
                i++;
            }

            if (MaxMagnitude(data.Slice(first, length)) >= Special)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The largest <c>bits &amp; 0x7FFF</c> of a run, at the widest hardware vector width.</summary>
    private static ushort MaxMagnitude(ReadOnlySpan<ushort> run)
    {
        ref ushort start = ref MemoryMarshal.GetReference(run);
        int x = 0;
        ushort most = 0;
        if (Vector512.IsHardwareAccelerated && run.Length >= Vector512<ushort>.Count)
        {
            var acc = Vector512<ushort>.Zero;
            for (; x + Vector512<ushort>.Count <= run.Length; x += Vector512<ushort>.Count)
            {
                acc = Vector512.Max(acc, Vector512.LoadUnsafe(ref start, (nuint)x) & Vector512.Create((ushort)0x7FFF));
            }

            most = Vector512.GreaterThanOrEqualAny(acc, Vector512.Create(Special)) ? Special : (ushort)0;
        }
        else if (Vector256.IsHardwareAccelerated && run.Length >= Vector256<ushort>.Count)
        {
            var acc = Vector256<ushort>.Zero;
            for (; x + Vector256<ushort>.Count <= run.Length; x += Vector256<ushort>.Count)
            {
                acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref start, (nuint)x) & Vector256.Create((ushort)0x7FFF));
            }

            most = Vector256.GreaterThanOrEqualAny(acc, Vector256.Create(Special)) ? Special : (ushort)0;
        }
        else if (Vector128.IsHardwareAccelerated && run.Length >= Vector128<ushort>.Count)
        {
            var acc = Vector128<ushort>.Zero;
            for (; x + Vector128<ushort>.Count <= run.Length; x += Vector128<ushort>.Count)
            {
                acc = Vector128.Max(acc, Vector128.LoadUnsafe(ref start, (nuint)x) & Vector128.Create((ushort)0x7FFF));
            }

            most = Vector128.GreaterThanOrEqualAny(acc, Vector128.Create(Special)) ? Special : (ushort)0;
        }

        for (; x < run.Length; x++)
        {
            most = Math.Max(most, (ushort)(System.Runtime.CompilerServices.Unsafe.Add(ref start, x) & 0x7FFF));
        }

        return most;
    }
}
