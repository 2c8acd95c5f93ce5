using System;
using System.Runtime.CompilerServices;

namespace TensorDsl.Tests.Conformance;

/// <summary>Element-type facts and exact conversions for float, Half and BFloat16.</summary>
internal static class Num
{
    /// <summary>fp32 unit roundoff u = 2^-24: the kernel accumulates in float.</summary>
    public const double U32 = 1.0 / (1 << 24);

    public static double ToDouble<T>(T value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Unsafe.As<T, float>(ref value);
        if (typeof(T) == typeof(Half)) return (double)Unsafe.As<T, Half>(ref value);
        if (typeof(T) == typeof(BFloat16)) return (double)Unsafe.As<T, BFloat16>(ref value);
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>Correctly rounded narrowing (each type's own conversion from double).</summary>
    public static T FromDouble<T>(double value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) { float f = (float)value; return Unsafe.As<float, T>(ref f); }
        if (typeof(T) == typeof(Half)) { Half h = (Half)value; return Unsafe.As<Half, T>(ref h); }
        if (typeof(T) == typeof(BFloat16)) { BFloat16 b = (BFloat16)value; return Unsafe.As<BFloat16, T>(ref b); }
        throw new NotSupportedException(typeof(T).Name);
    }

    public static double[] ToDouble<T>(T[] values)
        where T : unmanaged
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = ToDouble(values[i]);
        return result;
    }

    public static T[] FromDouble<T>(double[] values)
        where T : unmanaged
    {
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = FromDouble<T>(values[i]);
        return result;
    }

    /// <summary>Rounds to <paramref name="element"/> and back (the value a kernel of that type will actually see).</summary>
    public static double RoundTo(Type element, double value) =>
        element == typeof(float) ? (float)value
        : element == typeof(Half) ? (double)(Half)value
        : element == typeof(BFloat16) ? (double)(BFloat16)value
        : throw new NotSupportedException(element.Name);

    public static Array ToArray(Type element, double[] values) =>
        element == typeof(float) ? FromDouble<float>(values)
        : element == typeof(Half) ? FromDouble<Half>(values)
        : element == typeof(BFloat16) ? FromDouble<BFloat16>(values)
        : throw new NotSupportedException(element.Name);

    /// <summary>
    /// Half an ulp, relative: rounding a value x to the type moves it by at most this times |x| (normal range).
    /// float 2^-24, Half 2^-11 (10 stored mantissa bits), BFloat16 2^-8 (7 stored mantissa bits).
    /// </summary>
    public static double UnitRoundoff<T>() =>
        typeof(T) == typeof(float) ? U32
        : typeof(T) == typeof(Half) ? 1.0 / (1 << 11)
        : typeof(T) == typeof(BFloat16) ? 1.0 / (1 << 8)
        : throw new NotSupportedException(typeof(T).Name);

    /// <summary>The spacing of the type's subnormals (the absolute rounding floor near 0).</summary>
    public static double MinSpacing<T>() =>
        typeof(T) == typeof(float) ? Math.Pow(2, -149)
        : typeof(T) == typeof(Half) ? Math.Pow(2, -24)
        : typeof(T) == typeof(BFloat16) ? Math.Pow(2, -133)
        : throw new NotSupportedException(typeof(T).Name);

    public static string Name(Type element) => element == typeof(float) ? "float" : element.Name;
}
