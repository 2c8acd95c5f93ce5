using System;

namespace TensorDsl.Cpu.Parallel;

/// <summary>
/// One validated call, in a form worker threads can read: the caller's spans as pinned addresses with their
/// lengths (each worker rebuilds bounds-checked spans from them), the problem's sizes and addressing, and the
/// side tensors' shapes. Filled by <see cref="AttentionDriver"/> on the calling thread, which keeps everything
/// pinned until every worker has finished.
/// </summary>
internal sealed class CallData
{
    public nint Q, K, V, Output, Lse, Sinks;
    public int QLength, KLength, VLength, OutputLength, LseLength, SinksLength;
    public nint Side0, Side1, Side2, Side3;
    public int Side0Length, Side1Length, Side2Length, Side3Length;
    public SideTensor.Strides Side0Shape, Side1Shape, Side2Shape, Side3Shape;
    public float DefaultScale;

    public RowAddressing QAddress, OutputAddress;
    public KvAddressing KAddress, VAddress;
    public bool Varlen;
    public int QueryHeads, Tokens, HeadDim, ValueDim;
    public PagedBatch? Paged;
    public int MaxBlocks;

    public readonly WorkPlan Plan = new();

    /// <summary>Split-KV partial states: per slot, <c>[rows]</c> maxima, <c>[rows]</c> sums, <c>[rows, Dv]</c> means.</summary>
    public float[] Partials = Array.Empty<float>();

    public int SlotStride => Plan.MaxRows * (2 + ValueDim);

    public void EnsurePartials()
    {
        long needed = (long)Plan.SlotCount * SlotStride;
        if (Partials.Length < needed)
        {
            Partials = new float[needed];
        }
    }
}

/// <summary>Spans over the caller's memory that <see cref="AttentionDriver"/> keeps pinned for the whole call.</summary>
internal static unsafe class Pinned
{
    public static ReadOnlySpan<T> Read<T>(nint address, int length)
        where T : unmanaged => new((void*)address, length);

    public static Span<T> Write<T>(nint address, int length)
        where T : unmanaged => new((void*)address, length);
}
