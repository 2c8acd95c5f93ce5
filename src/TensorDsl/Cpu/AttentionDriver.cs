using System;
using System.Buffers;
using System.ComponentModel;
using TensorDsl.Runtime;

namespace TensorDsl.Cpu;

/// <summary>
/// The fused CPU attention loop, generic over a generated <see cref="IAttentionSpec"/> struct: one pass over
/// the keys per query row with an online softmax and fp32 accumulation. Scalar and single-threaded; the
/// head-dim loops are contiguous span loops in <c>Element&lt;T&gt;</c> so a vectorised version can replace them.
/// </summary>
/// <remarks>
/// <para>Numerics (identical to the generated kernels, see docs/design.md): keys whose score is −∞ are skipped;
/// the accumulator is the running weighted mean of V rows (rescaled by <c>l·c/l'</c> and <c>w/l'</c>), so V
/// values near the fp32 maximum cannot overflow it; <see cref="MathF.Max(float, float)"/> propagates NaN; a row
/// with no visible key writes 0 and LSE −∞ (sinks included); a sink joins only the denominator.</para>
/// <para>No allocation per call: one q row and one accumulator live on the stack when D, Dv ≤ 512, otherwise in
/// an <see cref="ArrayPool{T}"/> array.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AttentionDriver
{
    private const int StackDim = 512;

    /// <summary>
    /// Runs <typeparamref name="TSpec"/> on <paramref name="problem"/>. Element types are float,
    /// <see cref="Half"/> or <see cref="BFloat16"/> (K and V share one; q and the output may differ). Every span
    /// length, the paged metadata against the cache and the disjointness of written and read spans are checked
    /// before anything is read or written. <paramref name="lse"/> is empty or holds one float per (query head,
    /// query row): <c>[B, Hq, Sq]</c> dense, <c>[Hq, T]</c> varlen. <paramref name="sinks"/> is empty or <c>[Hq]</c>.
    /// </summary>
    public static void Run<TSpec, TQ, TKV, TO>(
        in AttentionProblem problem,
        ReadOnlySpan<TQ> q, ReadOnlySpan<TKV> k, ReadOnlySpan<TKV> v, Span<TO> output, Span<float> lse,
        ReadOnlySpan<float> sinks, in ScoreInputs inputs)
        where TSpec : struct, IAttentionSpec
        where TQ : unmanaged
        where TKV : unmanaged
        where TO : unmanaged
    {
        CheckElement<TQ>();
        CheckElement<TKV>();
        CheckElement<TO>();
        Validate<TSpec, TQ, TKV, TO>(problem, q, k, v, output, lse, sinks, inputs);

        var heads = problem.Heads;
        if (problem.Batch == 0 || heads.Count == 0)
        {
            return;
        }

        int headDim = TSpec.ConstHeadDim > 0 ? TSpec.ConstHeadDim : problem.HeadDim;
        int valueDim = problem.ValueDim;
        float[]? rented = null;
        Span<float> scratch = headDim <= StackDim && valueDim <= StackDim
            ? stackalloc float[2 * StackDim]
            : (rented = ArrayPool<float>.Shared.Rent(headDim + valueDim));
        try
        {
            var pass = new Pass<TSpec, TQ, TKV, TO>(
                problem, q, k, v, output, lse, sinks, inputs, scratch.Slice(0, headDim), scratch.Slice(headDim, valueDim));
            pass.Run(problem.Metadata);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    private static void Validate<TSpec, TQ, TKV, TO>(
        in AttentionProblem problem,
        ReadOnlySpan<TQ> q, ReadOnlySpan<TKV> k, ReadOnlySpan<TKV> v, Span<TO> output, Span<float> lse,
        ReadOnlySpan<float> sinks, in ScoreInputs inputs)
        where TSpec : struct, IAttentionSpec
        where TQ : unmanaged
        where TKV : unmanaged
        where TO : unmanaged
    {
        if (problem.KvHeads == 0)
        {
            throw new ArgumentException("The problem was not created by AttentionProblem.Dense or Varlen.", nameof(problem));
        }

        if (TSpec.ConstHeadDim > 0)
        {
            KernelGuard.Equal("q", "D", TSpec.ConstHeadDim, problem.HeadDim);
        }

        KernelGuard.SpanLength("q", problem.QueryElements, q.Length);
        ValidateKv(problem, k.Length, v.Length);
        KernelGuard.SpanLength("output", problem.OutputElements, output.Length);
        KernelGuard.OptionalSpanLength("lse", problem.LseElements, lse.Length);
        KernelGuard.OptionalSpanLength("sinks", problem.QueryHeads, sinks.Length);

        // Written spans must not alias anything the call reads or writes.
        ReadOnlySpan<TO> written = output;
        ReadOnlySpan<float> lseWritten = lse;
        KernelGuard.Disjoint("output", written, "q", q);
        KernelGuard.Disjoint("output", written, "k", k);
        KernelGuard.Disjoint("output", written, "v", v);
        KernelGuard.Disjoint("output", written, "sinks", sinks);
        KernelGuard.Disjoint("output", written, "lse", lseWritten);
        KernelGuard.Disjoint("lse", lseWritten, "q", q);
        KernelGuard.Disjoint("lse", lseWritten, "k", k);
        KernelGuard.Disjoint("lse", lseWritten, "v", v);
        KernelGuard.Disjoint("lse", lseWritten, "sinks", sinks);
        CheckSide(written, lseWritten, inputs.Side0, "inputs.Side0");
        CheckSide(written, lseWritten, inputs.Side1, "inputs.Side1");
        CheckSide(written, lseWritten, inputs.Side2, "inputs.Side2");
        CheckSide(written, lseWritten, inputs.Side3, "inputs.Side3");
    }

    private static void ValidateKv(in AttentionProblem problem, int kLength, int vLength)
    {
        var kAddress = problem.K;
        var vAddress = problem.V;
        if (!kAddress.IsPaged)
        {
            KernelGuard.SpanLength("k", problem.KvElements("k", problem.HeadDim), kLength);
            KernelGuard.SpanLength("v", problem.KvElements("v", problem.ValueDim), vLength);
            return;
        }

        int numBlocks;
        if (kAddress.Layout == KvLayout.PagedStacked)
        {
            // The factory checked that 2·N·BlockSize·H·D fits an int.
            numBlocks = kAddress.NumBlocks;
            int stacked = (int)(2 * numBlocks * AttentionProblem.KvBlockElements(kAddress));
            KernelGuard.SpanLength("k", stacked, kLength);
            KernelGuard.SpanLength("v", stacked, vLength);
        }
        else
        {
            // A separate cache is [N, BlockSize, H, D]: N follows from the length; v must have as many blocks.
            long kBlock = AttentionProblem.KvBlockElements(kAddress);
            long vBlock = AttentionProblem.KvBlockElements(vAddress);
            KernelGuard.MultipleOf("k", "length", kBlock, kLength);
            KernelGuard.MultipleOf("v", "length", vBlock, vLength);
            numBlocks = (int)(kLength / kBlock);
            KernelGuard.Equal("v", "N (length / (BlockSize·H·Dv))", numBlocks, vLength / vBlock);
        }

        ((PagedBatch)problem.Metadata!).Validate(numBlocks, kAddress.BlockSize);
    }

    private static void CheckSide<TO>(ReadOnlySpan<TO> output, ReadOnlySpan<float> lse, SideTensor side, string name)
        where TO : unmanaged
    {
        KernelGuard.Disjoint("output", output, name, side.Bytes);
        KernelGuard.Disjoint("lse", lse, name, side.Bytes);
    }

    private static void CheckElement<T>()
        where T : unmanaged
    {
        if (!Element<T>.IsSupported)
        {
            throw new NotSupportedException($"Element type {typeof(T).Name} is not supported: use float, Half or BFloat16.");
        }
    }
}
