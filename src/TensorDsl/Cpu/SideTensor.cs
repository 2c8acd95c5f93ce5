using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorDsl.Cpu;

/// <summary>
/// A read-only view of one tensor a score step reads besides q and k: per-head values (ALiBi slopes) or a
/// broadcastable <c>[B, Hq, Sq, Sk]</c> bias. It holds the caller's memory as bytes plus its element type, so
/// one <see cref="ScoreInputs"/> shape serves every element type without generic ref-struct plumbing.
/// </summary>
/// <remarks>
/// Generated code has validated the tensor's shape against the problem before the driver runs; the view only
/// checks that the span holds the product of its dims. Every read is span-indexed, so even a wrong index can
/// only throw, never read outside the caller's memory.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct SideTensor
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly ElementKind _kind;
    private readonly long _s0, _s1, _s2, _s3;

    private SideTensor(ReadOnlySpan<byte> bytes, ElementKind kind, long s0, long s1, long s2, long s3)
    {
        _bytes = bytes;
        _kind = kind;
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>The viewed memory, for overlap checks against the output.</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Everything but the memory: what a worker thread needs to rebuild the view over pinned memory.</summary>
    internal Strides Shape => new(_kind, _s0, _s1, _s2, _s3);

    /// <summary>The view <paramref name="shape"/> describes, over <paramref name="bytes"/> (the same memory, re-pinned).</summary>
    internal SideTensor(ReadOnlySpan<byte> bytes, Strides shape)
        : this(bytes, shape.Kind, shape.S0, shape.S1, shape.S2, shape.S3)
    {
    }

    /// <summary>One float per query head (e.g. ALiBi slopes), read with <see cref="PerHead(int)"/>.</summary>
    public static SideTensor PerHead(ReadOnlySpan<float> values) =>
        new(MemoryMarshal.AsBytes(values), ElementKind.Float, 1, 0, 0, 0);

    /// <summary>
    /// A row-major <c>[d0, d1, d2, d3]</c> bias (<c>[B, Hq, Sq, Sk]</c>, any dim may be 1 to broadcast) of
    /// float, <see cref="Half"/> or <see cref="BFloat16"/>, read with <see cref="Bias{T}(int, int, int, int)"/>.
    /// </summary>
    public static SideTensor Bias<T>(ReadOnlySpan<T> data, int d0, int d1, int d2, int d3)
        where T : unmanaged
    {
        var kind = KindOf<T>();
        int count = Runtime.KernelGuard.Elements("bias", d0, d1, d2, d3);
        Runtime.KernelGuard.SpanLength("bias", count, data.Length);

        // A size-1 dim repeats along that axis: stride 0.
        long s3 = d3 == 1 ? 0 : 1;
        long s2 = d2 == 1 ? 0 : d3;
        long s1 = d1 == 1 ? 0 : (long)d2 * d3;
        long s0 = d0 == 1 ? 0 : (long)d1 * d2 * d3;
        return new(MemoryMarshal.AsBytes(data), kind, s0, s1, s2, s3);
    }

    /// <summary>The value of query head <paramref name="head"/> of a <see cref="PerHead(ReadOnlySpan{float})"/> view.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float PerHead(int head)
    {
        CheckKind(ElementKind.Float);
        return MemoryMarshal.Cast<byte, float>(_bytes)[head];
    }

    /// <summary>Element <c>[b, h, i, j]</c> of a <see cref="Bias{T}(ReadOnlySpan{T}, int, int, int, int)"/> view, as float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Bias<T>(int b, int h, int i, int j)
        where T : unmanaged
    {
        CheckKind(KindOf<T>());
        var data = MemoryMarshal.Cast<byte, T>(_bytes);
        long offset = b * _s0 + h * _s1 + i * _s2 + j * _s3;
        if ((ulong)offset >= (ulong)data.Length)
        {
            ThrowIndex();
        }

        return Element<T>.ToFloat(data, (int)offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckKind(ElementKind expected)
    {
        if (_kind != expected)
        {
            ThrowKind(expected);
        }
    }

    private static ElementKind KindOf<T>()
    {
        if (typeof(T) == typeof(float)) return ElementKind.Float;
        if (typeof(T) == typeof(Half)) return ElementKind.Half;
        if (typeof(T) == typeof(BFloat16)) return ElementKind.BFloat16;
        throw new NotSupportedException($"Element type {typeof(T).Name} is not supported: use float, Half or BFloat16.");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowKind(ElementKind expected) =>
        throw new InvalidOperationException($"The side tensor holds {_kind} elements, not {expected}.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowIndex() => throw new IndexOutOfRangeException("A side-tensor index is outside its tensor.");

    /// <summary>
    /// A view's element kind and its four strides (0 on a broadcast axis): how a bias of any declared shape is read as
    /// <c>[B, Hq, Sq, Sk]</c>. Not a tensor layout (those are <see cref="TensorDsl.Layout"/>); it travels to the worker
    /// threads in <c>CallData</c> beside the pinned pointer.
    /// </summary>
    internal readonly record struct Strides(ElementKind Kind, long S0, long S1, long S2, long S3);

    internal enum ElementKind : byte
    {
        None,
        Float,
        Half,
        BFloat16,
    }
}
