using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorDsl.Cpu;

/// <summary>
/// What the driver needs per element type outside the tiles (the supported set is ElementTypes): one element as float
/// (side tensors), and the rounding of an output row. Each method branches on <c>typeof(T)</c>, which the JIT folds
/// per instantiation (T is a value type), and reinterprets the span with
/// <see cref="MemoryMarshal.Cast{TFrom, TTo}(ReadOnlySpan{TFrom})"/>, so every access stays bounds-checked. Rows
/// are widened in registers by <c>Simd.VectorMath.Widen</c>.
/// </summary>
internal static class Element<T>
    where T : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToFloat(ReadOnlySpan<T> data, int index)
    {
        if (typeof(T) == typeof(float)) return MemoryMarshal.Cast<T, float>(data)[index];
        if (typeof(T) == typeof(Half)) return (float)MemoryMarshal.Cast<T, Half>(data)[index];
        return (float)MemoryMarshal.Cast<T, BFloat16>(data)[index];
    }

    /// <summary>
    /// <c>destination[x] = (T)(source[x] · factor + 0)</c>, the product and the narrowing each rounded to nearest
    /// even; vectorised for float and Half (TensorPrimitives). The <c>+ 0</c> changes no value but a −0, which becomes
    /// +0: an accumulator is −0 only after an underflow, and one more key of weight 0 turns it into +0, so without it
    /// a row's output could differ in the sign of a zero with the keys a tile leaves out for it (docs/design.md,
    /// "CPU kernel"). <paramref name="source"/> is scratch: it may be overwritten with the scaled values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Narrow(Span<float> source, float factor, Span<T> destination)
    {
        source = source.Slice(0, destination.Length);
        if (factor != 1f)
        {
            TensorPrimitives.Multiply(source, factor, source);
        }

        if (typeof(T) == typeof(float))
        {
            TensorPrimitives.Add(source, 0f, MemoryMarshal.Cast<T, float>(destination));
        }
        else if (typeof(T) == typeof(Half))
        {
            TensorPrimitives.Add(source, 0f, source);
            TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<T, Half>(destination));
        }
        else
        {
            var to = MemoryMarshal.Cast<T, BFloat16>(destination);
            for (int x = 0; x < to.Length; x++) to[x] = (BFloat16)(source[x] + 0f);
        }
    }
}
