using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorDsl.Runtime;

/// <summary>
/// Shape checks called by generated entry points before they touch memory. Each check is a compare and a
/// branch on the success path (inlined, no allocation); formatting the message happens only in the
/// non-inlined throw helpers, so a kernel's hot prologue stays small.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KernelGuard
{
    /// <summary>A run-time dimension size: returns <paramref name="actual"/> when it is ≥ 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dim(string parameter, string dimension, int actual)
    {
        if (actual < 0)
        {
            Throw(parameter, dimension, "≥ 0", actual);
        }

        return actual;
    }

    /// <summary>A run-time size that must be at least 1 (a KV head count, a head size that the default scale divides by).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Positive(string parameter, string dimension, int actual)
    {
        if (actual <= 0)
        {
            Throw(parameter, dimension, "> 0", actual);
        }

        return actual;
    }

    /// <summary>
    /// A dimension that is a product of sizes (<c>G*Hkv</c>): it must fit in an int, as every size does. The factors
    /// are already known to be in 0…int.MaxValue, so their product cannot overflow a long; nest calls for more factors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Product(string parameter, string dimension, long left, long right)
    {
        var product = left * right;
        if (product > int.MaxValue)
        {
            Throw(parameter, dimension, "≤ 2147483647", product);
        }

        return (int)product;
    }

    /// <summary>A dimension that must equal a size fixed elsewhere (a constant or another parameter's dimension).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Equal(string parameter, string dimension, long expected, long actual)
    {
        if (expected != actual)
        {
            ThrowEqual(parameter, dimension, expected, actual);
        }
    }

    /// <summary>
    /// <paramref name="actual"/> must be a multiple of <paramref name="divisor"/> (e.g. <c>Hq % Hkv == 0</c>).
    /// A divisor ≤ 0 is itself reported (dimension "<paramref name="dimension"/> divisor", expected "&gt; 0").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultipleOf(string parameter, string dimension, long divisor, long actual)
    {
        if (divisor <= 0)
        {
            ThrowDivisor(parameter, dimension, divisor);
        }

        if (actual % divisor != 0)
        {
            ThrowMultipleOf(parameter, dimension, divisor, actual);
        }
    }

    /// <summary>The element count of a 1-dimensional tensor (checks the size is ≥ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Elements(string parameter, int d0)
    {
        if (d0 < 0)
        {
            Throw(parameter, "dimension 0", "≥ 0", d0);
        }

        return d0;
    }

    /// <summary>The element count of a 2-dimensional tensor; throws if a size is negative or the count exceeds int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Elements(string parameter, int d0, int d1) => Elements(parameter, d0, d1, 1, 1);

    /// <summary>The element count of a 3-dimensional tensor; throws if a size is negative or the count exceeds int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Elements(string parameter, int d0, int d1, int d2) => Elements(parameter, d0, d1, d2, 1);

    /// <summary>
    /// The element count of a 4-dimensional tensor; throws if a size is negative or the count exceeds int. Every
    /// size is checked for ≥ 0 first, and a tensor with a zero size is empty whatever its other sizes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Elements(string parameter, int d0, int d1, int d2, int d3)
    {
        NonNegative(parameter, 0, d0);
        NonNegative(parameter, 1, d1);
        NonNegative(parameter, 2, d2);
        NonNegative(parameter, 3, d3);
        if (d0 == 0 || d1 == 0 || d2 == 0 || d3 == 0)
        {
            return 0;
        }

        // Each factor is < 2^31 and each partial product is narrowed to an int, so no product overflows a long.
        var n = Narrow(parameter, (long)d0 * d1);
        n = Narrow(parameter, (long)n * d2);
        return Narrow(parameter, (long)n * d3);
    }

    /// <summary>
    /// How many whole <paramref name="per"/>-element units (cache blocks, say) a span of <paramref name="length"/>
    /// holds: <paramref name="per"/> must be &gt; 0 and divide the length exactly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Count(string parameter, string dimension, int length, long per)
    {
        if (per <= 0)
        {
            Throw(parameter, dimension + " unit", "> 0", per);
        }

        if (length % per != 0)
        {
            ThrowMultipleOf(parameter, "length", per, length);
        }

        return (int)(length / per);
    }

    /// <summary>A size computed in 64 bits (a sum of sequence lengths, say) that must fit an <c>int</c> to index a tensor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Size(string parameter, string dimension, long actual)
    {
        if (actual > int.MaxValue)
        {
            Throw(parameter, dimension, "≤ 2147483647", actual);
        }

        return (int)actual;
    }

    /// <summary>A span must hold exactly the tensor's element count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SpanLength(string parameter, int expected, int actual)
    {
        if (expected != actual)
        {
            ThrowEqual(parameter, "length", expected, actual);
        }
    }

    /// <summary>An optional output span (e.g. LSE): empty means "not requested", otherwise exactly the count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OptionalSpanLength(string parameter, int expected, int actual)
    {
        if (actual != 0 && actual != expected)
        {
            ThrowOptional(parameter, expected, actual);
        }
    }

    /// <summary>
    /// A written span must not share memory with a span the same call reads (or writes): the kernels read their
    /// inputs after they have begun writing, so an overlap would silently mix old and new values. Throws
    /// <see cref="ArgumentException"/> (not <see cref="ShapeException"/>: no dimension is at fault) whose
    /// <see cref="ArgumentException.ParamName"/> is <paramref name="outputName"/> and whose message names both
    /// parameters. Empty spans never overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Disjoint<TA, TB>(string outputName, ReadOnlySpan<TA> output, string inputName, ReadOnlySpan<TB> input)
        where TA : unmanaged
        where TB : unmanaged
    {
        if (!output.IsEmpty && !input.IsEmpty && MemoryMarshal.AsBytes(output).Overlaps(MemoryMarshal.AsBytes(input)))
        {
            ThrowOverlap(outputName, inputName);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NonNegative(string parameter, int index, int size)
    {
        if (size < 0)
        {
            ThrowNegative(parameter, index, size);
        }

        return size;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Narrow(string parameter, long count)
    {
        if (count > int.MaxValue)
        {
            Throw(parameter, "element count", "≤ 2147483647", count);
        }

        return (int)count;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(string parameter, string dimension, string expected, long actual) =>
        throw new ShapeException(parameter, dimension, expected, actual);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEqual(string parameter, string dimension, long expected, long actual) =>
        throw new ShapeException(parameter, dimension, expected.ToString(CultureInfo.InvariantCulture), actual);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDivisor(string parameter, string dimension, long divisor) =>
        throw new ShapeException(parameter, dimension + " divisor", "> 0", divisor);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMultipleOf(string parameter, string dimension, long divisor, long actual) =>
        throw new ShapeException(
            parameter, dimension, "a multiple of " + divisor.ToString(CultureInfo.InvariantCulture), actual);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOptional(string parameter, long expected, long actual) =>
        throw new ShapeException(
            parameter, "length", "0 (not requested) or " + expected.ToString(CultureInfo.InvariantCulture), actual);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverlap(string outputName, string inputName) =>
        throw new ArgumentException(
            $"Parameter '{outputName}' overlaps parameter '{inputName}' in memory: pass separate buffers.", outputName);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNegative(string parameter, int index, int size) =>
        throw new ShapeException(parameter, "dimension " + index.ToString(CultureInfo.InvariantCulture), "≥ 0", size);
}
