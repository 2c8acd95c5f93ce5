using System;
using System.ComponentModel;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace TensorDsl.Runtime;

/// <summary>
/// Called by the generated tensor-span overloads of <c>Run</c> and <c>Reference</c>: reads a size from a tensor's
/// lengths, checks a length against the declared shape, and views a row-major tensor's memory as a span (no copy).
/// Every failure is the <see cref="ShapeException"/> the span overloads throw, naming the parameter and the axis.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TensorEdge
{
    /// <summary>The tensor's rank must be <paramref name="rank"/>.</summary>
    public static void Rank(string parameter, int rank, ReadOnlySpan<nint> lengths)
    {
        if (lengths.Length != rank)
        {
            throw new ShapeException(parameter, "rank", rank.ToString(CultureInfo.InvariantCulture), lengths.Length);
        }
    }

    /// <summary>A run-time size read from axis <paramref name="axis"/>: it must fit in an int, as every size does.</summary>
    public static int Size(string parameter, string dimension, int axis, ReadOnlySpan<nint> lengths)
    {
        var length = (long)lengths[axis];
        if (length > int.MaxValue)
        {
            throw new ShapeException(parameter, Axis(dimension, axis), "≤ 2147483647", length);
        }

        return (int)length;
    }

    /// <summary>Axis <paramref name="axis"/> must be the declared size <paramref name="expected"/>.</summary>
    public static void Length(string parameter, string dimension, int axis, long expected, ReadOnlySpan<nint> lengths)
    {
        if (lengths[axis] != expected)
        {
            throw new ShapeException(parameter, Axis(dimension, axis), expected.ToString(CultureInfo.InvariantCulture), lengths[axis]);
        }
    }

    /// <summary>The memory of a row-major tensor (no gaps, no broadcast, no transposed strides), as a span.</summary>
    public static ReadOnlySpan<T> Span<T>(string parameter, scoped in ReadOnlyTensorSpan<T> tensor)
    {
        var length = RowMajorLength(parameter, tensor.Lengths, tensor.Strides);
        return length == 0 ? default : MemoryMarshal.CreateReadOnlySpan(in tensor.GetPinnableReference(), length);
    }

    /// <summary>As the read-only <see cref="Span{T}(string, in ReadOnlyTensorSpan{T})"/>, for an output.</summary>
    public static Span<T> Span<T>(string parameter, scoped in TensorSpan<T> tensor)
    {
        var length = RowMajorLength(parameter, tensor.Lengths, tensor.Strides);
        return length == 0 ? default : MemoryMarshal.CreateSpan(ref tensor.GetPinnableReference(), length);
    }

    /// <summary>An optional output (the LSE): a default tensor span is "not wanted", as an empty span is.</summary>
    public static Span<T> OptionalSpan<T>(string parameter, int rank, scoped in TensorSpan<T> tensor)
    {
        if (tensor.Rank == 0 || tensor.IsEmpty)
        {
            return default;
        }

        Rank(parameter, rank, tensor.Lengths);
        return Span(parameter, tensor);
    }

    /// <summary>
    /// The element count, after checking that the strides are exactly the row-major ones (axes of length 1 may have any
    /// stride): the generated kernels address flat memory, so anything else would be read wrongly rather than copied.
    /// </summary>
    private static int RowMajorLength(string parameter, ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides)
    {
        long count = 1;
        for (var axis = lengths.Length - 1; axis >= 0; axis--)
        {
            if (lengths[axis] == 0)
            {
                return 0;
            }

            if (lengths[axis] > int.MaxValue)
            {
                throw new ShapeException(parameter, Axis("length", axis), "≤ 2147483647", lengths[axis]);
            }

            if (lengths[axis] != 1 && strides[axis] != count)
            {
                throw new ShapeException(parameter, Axis("stride", axis), count.ToString(CultureInfo.InvariantCulture) + " (row-major, dense: pass a contiguous tensor)", strides[axis]);
            }

            count *= lengths[axis];
            if (count > int.MaxValue)
            {
                throw new ShapeException(parameter, "element count", "≤ 2147483647", count);
            }
        }

        return (int)count;
    }

    private static string Axis(string dimension, int axis) => string.Create(CultureInfo.InvariantCulture, $"{dimension} (axis {axis})");
}
