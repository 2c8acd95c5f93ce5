using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorDsl.Cpu;

/// <summary>
/// Element conversions and the head-dim row loops for the three element types. Each method branches on
/// <c>typeof(T)</c>, which the JIT folds per instantiation (T is a value type), and reinterprets the span with
/// <see cref="MemoryMarshal.Cast{TFrom, TTo}(ReadOnlySpan{TFrom})"/>, so no tier boxes and every access stays
/// bounds-checked. The row loops run over contiguous spans in a fixed order with fp32 arithmetic: they are the
/// places a later SIMD version replaces, and their order is the generated kernels' order (bit-identical results).
/// </summary>
internal static class Element<T>
    where T : unmanaged
{
    public static bool IsSupported =>
        typeof(T) == typeof(float) || typeof(T) == typeof(Half) || typeof(T) == typeof(BFloat16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToFloat(ReadOnlySpan<T> data, int index)
    {
        if (typeof(T) == typeof(float)) return MemoryMarshal.Cast<T, float>(data)[index];
        if (typeof(T) == typeof(Half)) return (float)MemoryMarshal.Cast<T, Half>(data)[index];
        return (float)MemoryMarshal.Cast<T, BFloat16>(data)[index];
    }

    /// <summary>
    /// <c>destination[x] = (float)source[x]</c>, exact for all three types and vectorised: Half through
    /// TensorPrimitives' conversion, BFloat16 by widening its bits into the upper half of a float.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen(ReadOnlySpan<T> source, Span<float> destination)
    {
        destination = destination.Slice(0, source.Length);
        if (typeof(T) == typeof(float))
        {
            MemoryMarshal.Cast<T, float>(source).CopyTo(destination);
        }
        else if (typeof(T) == typeof(Half))
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<T, Half>(source), destination);
        }
        else
        {
            WidenBFloat16(MemoryMarshal.Cast<T, ushort>(source), destination);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WidenBFloat16(ReadOnlySpan<ushort> bits, Span<float> destination)
    {
        var wide = MemoryMarshal.Cast<float, uint>(destination);
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; x + Vector<ushort>.Count <= bits.Length; x += Vector<ushort>.Count)
            {
                Vector.Widen(new Vector<ushort>(bits.Slice(x)), out var low, out var high);
                (low << 16).CopyTo(wide.Slice(x));
                (high << 16).CopyTo(wide.Slice(x + Vector<uint>.Count));
            }
        }

        for (; x < bits.Length; x++)
        {
            wide[x] = (uint)bits[x] << 16;
        }
    }

    /// <summary>The fp32 dot product <c>Σ q[x] · (float)k[x]</c>, accumulated left to right.</summary>
    public static float Dot(ReadOnlySpan<float> q, ReadOnlySpan<T> k)
    {
        q = q.Slice(0, k.Length);
        float s = 0f;
        if (typeof(T) == typeof(float))
        {
            var key = MemoryMarshal.Cast<T, float>(k);
            for (int x = 0; x < key.Length; x++) s += q[x] * key[x];
        }
        else if (typeof(T) == typeof(Half))
        {
            var key = MemoryMarshal.Cast<T, Half>(k);
            for (int x = 0; x < key.Length; x++) s += q[x] * (float)key[x];
        }
        else
        {
            var key = MemoryMarshal.Cast<T, BFloat16>(k);
            for (int x = 0; x < key.Length; x++) s += q[x] * (float)key[x];
        }

        return s;
    }

    /// <summary>The online-softmax update of the running weighted mean: <c>acc[x] = acc[x] · carry + take · v[x]</c>.</summary>
    public static void Accumulate(Span<float> acc, float carry, float take, ReadOnlySpan<T> v)
    {
        acc = acc.Slice(0, v.Length);
        if (typeof(T) == typeof(float))
        {
            var value = MemoryMarshal.Cast<T, float>(v);
            for (int x = 0; x < value.Length; x++) acc[x] = acc[x] * carry + take * value[x];
        }
        else if (typeof(T) == typeof(Half))
        {
            var value = MemoryMarshal.Cast<T, Half>(v);
            for (int x = 0; x < value.Length; x++) acc[x] = acc[x] * carry + take * (float)value[x];
        }
        else
        {
            var value = MemoryMarshal.Cast<T, BFloat16>(v);
            for (int x = 0; x < value.Length; x++) acc[x] = acc[x] * carry + take * (float)value[x];
        }
    }

    /// <summary>
    /// <c>destination[x] = (T)(source[x] · factor)</c>, rounded once to nearest even; vectorised for float and Half
    /// (TensorPrimitives). <paramref name="source"/> is scratch: it may be overwritten with the scaled values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Narrow(Span<float> source, float factor, Span<T> destination)
    {
        source = source.Slice(0, destination.Length);
        if (typeof(T) == typeof(float))
        {
            TensorPrimitives.Multiply(source, factor, MemoryMarshal.Cast<T, float>(destination));
        }
        else if (typeof(T) == typeof(Half))
        {
            if (factor != 1f)
            {
                TensorPrimitives.Multiply(source, factor, source);
            }

            TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<T, Half>(destination));
        }
        else
        {
            var to = MemoryMarshal.Cast<T, BFloat16>(destination);
            for (int x = 0; x < to.Length; x++) to[x] = (BFloat16)(source[x] * factor);
        }
    }
}
