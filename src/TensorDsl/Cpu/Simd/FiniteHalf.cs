using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TensorDsl.Cpu.Simd;

/// <summary>
/// An fp16 element of K/V rows the driver has checked hold no ±∞ or NaN (<see cref="AllFinite"/>): the tile kernels,
/// generic over the element type, then widen it with <see cref="ISimd{TV}.LoadFiniteHalf"/>, which gives the same
/// bits as <see cref="ISimd{TV}.LoadHalf"/> for every finite half in half the operations. Never stored: a Half span is
/// reinterpreted as this type for one tile.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
internal readonly struct FiniteHalf
{
    /// <summary>Bits of a half with the sign cleared at or above this are ±∞ (exactly) or NaN.</summary>
    private const ushort Special = 0x7C00;

    /// <summary>
    /// Whether the <paramref name="elements"/>-long rows of <paramref name="data"/> at <paramref name="offsets"/> hold
    /// only finite halves. One pass of a max over the magnitudes' bits (3 operations per vector of 16 or 32 halves, at
    /// the widest hardware width), against the 4 per vector of 8 or 16 floats that the loads save.
    /// </summary>
    public static bool AllFinite(ReadOnlySpan<ushort> data, ReadOnlySpan<int> offsets, int elements)
    {
        // Each row slice is bounds-checked once; the vectors within it are read unchecked.
        ushort most = 0;
        if (Vector512.IsHardwareAccelerated && elements >= Vector512<ushort>.Count)
        {
            var acc = Vector512<ushort>.Zero;
            foreach (int offset in offsets)
            {
                ref ushort row = ref MemoryMarshal.GetReference(data.Slice(offset, elements));
                int x = 0;
                for (; x + Vector512<ushort>.Count <= elements; x += Vector512<ushort>.Count)
                {
                    acc = Vector512.Max(acc, Vector512.LoadUnsafe(ref row, (nuint)x) & Vector512.Create((ushort)0x7FFF));
                }

                most = Tail(ref row, x, elements, most);
            }

            return most < Special && !Vector512.GreaterThanOrEqualAny(acc, Vector512.Create(Special));
        }

        if (Vector256.IsHardwareAccelerated && elements >= Vector256<ushort>.Count)
        {
            var acc = Vector256<ushort>.Zero;
            foreach (int offset in offsets)
            {
                ref ushort row = ref MemoryMarshal.GetReference(data.Slice(offset, elements));
                int x = 0;
                for (; x + Vector256<ushort>.Count <= elements; x += Vector256<ushort>.Count)
                {
                    acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref row, (nuint)x) & Vector256.Create((ushort)0x7FFF));
                }

                most = Tail(ref row, x, elements, most);
            }

            return most < Special && !Vector256.GreaterThanOrEqualAny(acc, Vector256.Create(Special));
        }

        if (Vector128.IsHardwareAccelerated && elements >= Vector128<ushort>.Count)
        {
            var acc = Vector128<ushort>.Zero;
            foreach (int offset in offsets)
            {
                ref ushort row = ref MemoryMarshal.GetReference(data.Slice(offset, elements));
                int x = 0;
                for (; x + Vector128<ushort>.Count <= elements; x += Vector128<ushort>.Count)
                {
                    acc = Vector128.Max(acc, Vector128.LoadUnsafe(ref row, (nuint)x) & Vector128.Create((ushort)0x7FFF));
                }

                most = Tail(ref row, x, elements, most);
            }

            return most < Special && !Vector128.GreaterThanOrEqualAny(acc, Vector128.Create(Special));
        }

        foreach (int offset in offsets)
        {
            most = Tail(ref MemoryMarshal.GetReference(data.Slice(offset, elements)), 0, elements, most);
        }

        return most < Special;
    }

    /// <summary>The largest magnitude bits of elements <c>[from, elements)</c> of a row, and <paramref name="most"/>.</summary>
    private static ushort Tail(ref ushort row, int from, int elements, ushort most)
    {
        for (int x = from; x < elements; x++)
        {
            most = Math.Max(most, (ushort)(System.Runtime.CompilerServices.Unsafe.Add(ref row, x) & 0x7FFF));
        }

        return most;
    }
}
