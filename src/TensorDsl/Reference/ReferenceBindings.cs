using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using TensorDsl.Runtime;

namespace TensorDsl;

/// <summary>
/// The input tensors of one <see cref="ReferenceEngine"/> evaluation, bound by parameter name
/// (<see cref="KernelOperand.Name"/>). Each tensor is converted to <see cref="double"/> once, when it is added,
/// so the engine itself only ever sees fp64 values.
/// </summary>
public sealed class ReferenceBindings
{
    private readonly Dictionary<string, ReferenceBinding> _bindings = new(StringComparer.Ordinal);

    /// <summary>
    /// Binds the tensor named <paramref name="name"/>. <paramref name="dims"/> are in the operand's layout order
    /// (e.g. <c>[B, H, S, D]</c> for <see cref="Layout.Bhsd"/>); <paramref name="data"/> must hold exactly their
    /// product. <typeparamref name="T"/> is <see cref="float"/>, <see cref="Half"/> or <see cref="BFloat16"/>
    /// and must be the operand's declared element type.
    /// </summary>
    public ReferenceBindings Add<T>(string name, ReadOnlySpan<T> data, params int[] dims)
        where T : unmanaged
    {
        if (name is null) throw new ArgumentNullException(nameof(name));
        if (dims is null) throw new ArgumentNullException(nameof(dims));
        if (_bindings.ContainsKey(name))
        {
            throw new ArgumentException($"A tensor named '{name}' is already bound.", nameof(name));
        }

        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0)
            {
                throw new ShapeException(name, "dimension " + i.ToString(CultureInfo.InvariantCulture), "≥ 0", dims[i]);
            }
        }

        // An empty tensor is valid whatever its other dims; otherwise each partial product must fit an int.
        long count = Array.IndexOf(dims, 0) >= 0 ? 0 : 1;
        for (int i = 0; i < dims.Length && count != 0; i++)
        {
            count *= dims[i]; // stays ≤ 2^31 · 2^31 before the check below
            if (count > int.MaxValue)
            {
                throw new ShapeException(name, "element count", "≤ 2147483647", count);
            }
        }

        // The one span-length rule and message of every entry point (the CPU driver's too).
        KernelGuard.SpanLength(name, (int)count, data.Length);

        _bindings.Add(name, new ReferenceBinding(name, typeof(T), ToDouble(data), (int[])dims.Clone()));
        return this;
    }

    /// <summary>Array convenience for <see cref="Add{T}(string, ReadOnlySpan{T}, int[])"/> (lets C# infer <typeparamref name="T"/>).</summary>
    public ReferenceBindings Add<T>(string name, T[] data, params int[] dims)
        where T : unmanaged =>
        Add(name, new ReadOnlySpan<T>(data ?? throw new ArgumentNullException(nameof(data))), dims);

    /// <summary>
    /// The varlen metadata, required when an operand has the <see cref="Layout.Tokens"/> layout; a
    /// <see cref="PagedBatch"/> when one has the <see cref="Layout.Pages"/> layout.
    /// </summary>
    public VarlenBatch? Batch { get; set; }

    internal bool TryGet(string name, out ReferenceBinding binding) => _bindings.TryGetValue(name, out binding!);

    /// <summary>Widens every element exactly (all three element types are subsets of double).</summary>
    private static double[] ToDouble<T>(ReadOnlySpan<T> data)
        where T : unmanaged
    {
        var result = new double[data.Length];
        if (typeof(T) == typeof(float))
        {
            var values = MemoryMarshal.Cast<T, float>(data);
            for (int i = 0; i < values.Length; i++) result[i] = values[i];
        }
        else if (typeof(T) == typeof(Half))
        {
            var values = MemoryMarshal.Cast<T, Half>(data);
            for (int i = 0; i < values.Length; i++) result[i] = (double)values[i];
        }
        else if (typeof(T) == typeof(BFloat16))
        {
            var values = MemoryMarshal.Cast<T, BFloat16>(data);
            for (int i = 0; i < values.Length; i++) result[i] = (double)values[i];
        }
        else
        {
            ElementTypes.Require(typeof(T));
        }

        return result;
    }
}

/// <summary>One bound tensor: its declared element type, fp64 values and dims in layout order.</summary>
internal sealed class ReferenceBinding
{
    public ReferenceBinding(string name, Type elementType, double[] data, int[] dims)
    {
        Name = name;
        ElementType = elementType;
        Data = data;
        Dims = dims;
    }

    public string Name { get; }

    public Type ElementType { get; }

    public double[] Data { get; }

    public int[] Dims { get; }
}
