using System;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace TensorDsl.Bench.Harness;

/// <summary>Test data and comparisons.</summary>
internal static class Data
{
    /// <summary>Uniform values in [−1, 1) from a seeded generator, so every run times the same numbers.</summary>
    public static float[] Uniform(long length, Random random)
    {
        var data = GC.AllocateUninitializedArray<float>(checked((int)length));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return data;
    }

    /// <summary>Uniform values rounded to the nearest <see cref="Half"/>: fp32 numbers fp16 holds exactly.</summary>
    public static float[] UniformHalfExact(long length, Random random)
    {
        var data = Uniform(length, random);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(Half)data[i];
        }

        return data;
    }

    public static Half[] ToHalf(float[] data)
    {
        var result = GC.AllocateUninitializedArray<Half>(data.Length);
        for (int i = 0; i < data.Length; i++)
        {
            result[i] = (Half)data[i];
        }

        return result;
    }

    /// <summary>The same bits as ONNX Runtime's fp16 element type.</summary>
    public static Float16[] ToOrtHalf(ReadOnlySpan<Half> data)
    {
        var result = GC.AllocateUninitializedArray<Float16>(data.Length);
        MemoryMarshal.Cast<Half, ushort>(data).CopyTo(MemoryMarshal.Cast<Float16, ushort>(result.AsSpan()));
        return result;
    }

    public static float[] ToFloat(ReadOnlySpan<Float16> data)
    {
        var bits = MemoryMarshal.Cast<Float16, Half>(data);
        var result = GC.AllocateUninitializedArray<float>(data.Length);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (float)bits[i];
        }

        return result;
    }

    /// <summary>max |a − b| over both arrays (NaN if either holds a NaN, so a NaN can never pass a check).</summary>
    public static double MaxAbsError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"lengths differ: {a.Length} vs {b.Length}");
        }

        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double error = Math.Abs((double)a[i] - b[i]);
            if (double.IsNaN(error))
            {
                return double.NaN;
            }

            max = Math.Max(max, error);
        }

        return max;
    }

    /// <summary>
    /// Copies tokens <c>[from, from + count)</c> of a <c>[B, H, S, D]</c> tensor into a new <c>[B, count, H, D]</c>
    /// one (how GroupQueryAttention takes the new tokens' keys and values).
    /// </summary>
    public static T[] BhsdToBshd<T>(ReadOnlySpan<T> source, int batch, int heads, int length, int headDim, int from, int count)
    {
        var result = new T[(long)batch * count * heads * headDim];
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int s = 0; s < count; s++)
                {
                    source.Slice((((b * heads) + h) * length + from + s) * headDim, headDim)
                        .CopyTo(result.AsSpan((((b * count) + s) * heads + h) * headDim, headDim));
                }
            }
        }

        return result;
    }
}
