using System;
using System.ComponentModel;
using System.Runtime.Intrinsics;
using TensorDsl.Cpu.Parallel;
using TensorDsl.Cpu.Simd;
using TensorDsl.Runtime;

namespace TensorDsl.Cpu;

/// <summary>
/// The fused CPU attention kernel, generic over a generated <see cref="IAttentionSpec"/> struct: flash attention
/// with an online softmax and fp32 accumulation, vectorised at the widest width the machine accelerates
/// (<see cref="CpuVectorPath"/>) and spread over <see cref="AttentionOptions.ThreadCount"/> threads.
/// </summary>
/// <remarks>
/// <para>Validation happens here, on the calling thread, before any element is read or written. The work is then
/// cut into blocks of query rows × one KV head's group (<see cref="Parallel.WorkPlan"/>), computed by
/// <see cref="Parallel.AttentionJob{TSimd, TV, TSpec, TQ, TKV, TO}"/>; docs/design.md, "CPU kernel", has the
/// numerics and the tiling.</para>
/// <para>No allocation per call after the first on a thread: scratch, plans and jobs are kept per thread.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AttentionDriver
{
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

        if (problem.Batch == 0 || problem.Heads.Count == 0)
        {
            return;
        }

        switch (VectorPaths.Active)
        {
            case CpuVectorPath.Vector512:
                Launch<Simd512, Vector512<float>, TSpec, TQ, TKV, TO>(problem, q, k, v, output, lse, sinks, inputs);
                break;
            case CpuVectorPath.Vector256:
                Launch<Simd256, Vector256<float>, TSpec, TQ, TKV, TO>(problem, q, k, v, output, lse, sinks, inputs);
                break;
            case CpuVectorPath.Vector128:
                Launch<Simd128, Vector128<float>, TSpec, TQ, TKV, TO>(problem, q, k, v, output, lse, sinks, inputs);
                break;
            default:
                Launch<SimdScalar, float, TSpec, TQ, TKV, TO>(problem, q, k, v, output, lse, sinks, inputs);
                break;
        }
    }

    private static unsafe void Launch<TSimd, TV, TSpec, TQ, TKV, TO>(
        in AttentionProblem problem,
        ReadOnlySpan<TQ> q, ReadOnlySpan<TKV> k, ReadOnlySpan<TKV> v, Span<TO> output, Span<float> lse,
        ReadOnlySpan<float> sinks, in ScoreInputs inputs)
        where TSimd : struct, ISimd<TV>
        where TV : struct
        where TSpec : struct, IAttentionSpec
        where TQ : unmanaged
        where TKV : unmanaged
        where TO : unmanaged
    {
        var job = AttentionJob<TSimd, TV, TSpec, TQ, TKV, TO>.Current;
        var call = job.Call;

        // Pinned until every worker has finished: the workers see the spans only as these addresses and lengths.
        fixed (TQ* qp = q)
        fixed (TKV* kp = k)
        fixed (TKV* vp = v)
        fixed (TO* op = output)
        fixed (float* lp = lse)
        fixed (float* sp = sinks)
        fixed (byte* s0 = inputs.Side0.Bytes)
        fixed (byte* s1 = inputs.Side1.Bytes)
        fixed (byte* s2 = inputs.Side2.Bytes)
        fixed (byte* s3 = inputs.Side3.Bytes)
        {
            (call.Q, call.QLength) = ((nint)qp, q.Length);
            (call.K, call.KLength) = ((nint)kp, k.Length);
            (call.V, call.VLength) = ((nint)vp, v.Length);
            (call.Output, call.OutputLength) = ((nint)op, output.Length);
            (call.Lse, call.LseLength) = ((nint)lp, lse.Length);
            (call.Sinks, call.SinksLength) = ((nint)sp, sinks.Length);
            (call.Side0, call.Side0Length, call.Side0Shape) = ((nint)s0, inputs.Side0.Bytes.Length, inputs.Side0.Shape);
            (call.Side1, call.Side1Length, call.Side1Shape) = ((nint)s1, inputs.Side1.Bytes.Length, inputs.Side1.Shape);
            (call.Side2, call.Side2Length, call.Side2Shape) = ((nint)s2, inputs.Side2.Bytes.Length, inputs.Side2.Shape);
            (call.Side3, call.Side3Length, call.Side3Shape) = ((nint)s3, inputs.Side3.Bytes.Length, inputs.Side3.Shape);
            call.DefaultScale = inputs.DefaultScale;
            call.QAddress = problem.Q;
            call.OutputAddress = problem.Output;
            call.KAddress = problem.K;
            call.VAddress = problem.V;
            call.Varlen = problem.IsVarlen;
            call.QueryHeads = problem.QueryHeads;
            call.Tokens = problem.IsVarlen ? problem.Metadata!.NumTokens : 0;
            call.HeadDim = TSpec.ConstHeadDim > 0 ? TSpec.ConstHeadDim : problem.HeadDim;
            call.ValueDim = problem.ValueDim;
            call.Paged = problem.Metadata as PagedBatch;
            call.MaxBlocks = call.Paged?.MaxBlocksPerSequence ?? 0;
            try
            {
                int bundle = BundleHeads(problem, call.ValueDim, TSimd.Count);
                int tileKeys = AttentionJob<TSimd, TV, TSpec, TQ, TKV, TO>.TileKeys;
                int bundleTileKeys = bundle > 1 ? BundleTileKeys(tileKeys, bundle, call.HeadDim + call.ValueDim, sizeof(TKV)) : tileKeys;
                call.Plan.RowsPerBlock = WorkPlan.RowTargetFor(TSimd.Count);
                call.Plan.LongRowsPerBlock = WorkPlan.LongRowTargetFor(TSimd.Count);
                PlanWork(problem, call.Plan, TSpec.Mask, bundle, tileKeys, bundleTileKeys);
                call.Plan.Finish(AttentionJob<TSimd, TV, TSpec, TQ, TKV, TO>.TileKeys);
                call.EnsurePartials();
                long flops = call.Plan.TotalCost * 2 * ((long)call.HeadDim + call.ValueDim);
                job.Execute(flops < AttentionOptions.MinParallelFlops ? 1 : AttentionOptions.ThreadCount);
            }
            finally
            {
                // Drop the caller's memory and metadata so the cached job keeps nothing alive between calls.
                call.Q = call.K = call.V = call.Output = call.Lse = call.Sinks = 0;
                call.Side0 = call.Side1 = call.Side2 = call.Side3 = 0;
                call.Paged = null;
            }
        }
    }

    /// <summary>Enumerates the sequences and KV-head groups the call computes (docs/design.md, "Work split").</summary>
    private static void PlanWork(in AttentionProblem problem, WorkPlan plan, KeyMask mask, int bundle, int tileKeys, int bundleTileKeys)
    {
        plan.Clear();
        var heads = problem.Heads;
        int group = problem.QueryHeads / problem.KvHeads;
        int first = heads.Start, end = heads.Start + heads.Count;
        ReadOnlySpan<int> starts = problem.IsVarlen ? problem.Metadata!.QueryStartLoc.Span : default;
        ReadOnlySpan<int> lens = problem.IsVarlen ? problem.Metadata!.SeqLens.Span : default;
        bool tokenKv = problem.K.Layout == Layout.Tokens;
        long kvStart = 0;
        for (int b = 0; b < problem.Batch; b++)
        {
            var sequence = new WorkItem { Sequence = b };
            if (problem.IsVarlen)
            {
                sequence.QueryStart = starts[b];
                sequence.QueryLength = starts[b + 1] - starts[b];
                sequence.KvLength = lens[b];
                sequence.KvStart = tokenKv ? (int)kvStart : 0; // validated: Σ seq_lens fits an int for token K/V
                kvStart += lens[b];
            }
            else
            {
                sequence.QueryLength = problem.QueryLength;
                sequence.KvLength = problem.KvLength;
            }

            if (sequence.QueryLength <= 0)
            {
                continue;
            }

            sequence.Group = group;
            int perBlock = plan.PositionsPerBlock(sequence);
            // A single-position decode reads `bundle` consecutive KV heads per item (aligned to multiples of it, so a
            // head slice bundles like the full run; either way each row is computed alone, see AttentionJob.Block).
            int step = sequence.QueryLength == 1 ? bundle : 1;
            sequence.TileKeys = step > 1 ? bundleTileKeys : tileKeys;
            // Blocks of the whole problem (every KV head, whatever the head range): the split decision rests on it.
            plan.ProblemBlocks += (long)(sequence.QueryLength + perBlock - 1) / perBlock * ((problem.KvHeads + step - 1) / step);
            for (int kvHead = first / group / step * step; kvHead <= (end - 1) / group; kvHead += step)
            {
                int kvFirst = Math.Max(kvHead, first / group);
                int kvEnd = Math.Min(kvHead + step, (end - 1) / group + 1);
                sequence.KvHead = kvFirst;
                sequence.KvHeads = kvEnd - kvFirst;
                sequence.HeadStart = Math.Max(first, kvFirst * group);
                sequence.HeadCount = Math.Min(end, kvEnd * group) - sequence.HeadStart;
                plan.AddSequence(sequence, mask);
            }
        }
    }

    /// <summary>
    /// How many KV heads a single-position decode item reads together (1: no bundling). Only where the block is
    /// scored by dot products (the rule of AttentionJob.Block, by shape) and values are read in place (Dv a
    /// multiple of the vector width). Several KV heads per item put several independent K and V streams in flight
    /// per thread, fill the softmax's vector lanes with real rows instead of padding, and — for a paged cache,
    /// whose block is [BlockSize, Hkv, D] — read each page block once, whole, for all its heads (up to
    /// <see cref="MaxBundleRows"/> query rows per item).
    /// </summary>
    internal static int BundleHeads(in AttentionProblem problem, int valueDim, int vectorCount)
    {
        int group = problem.QueryHeads / problem.KvHeads;
        if (vectorCount < 8 || group > vectorCount / 2 || valueDim % vectorCount != 0)
        {
            return 1;
        }

        return Math.Max(1, Math.Min(problem.KvHeads, MaxBundleRows / group));
    }

    /// <summary>
    /// Keys per tile of a decode bundle: the largest power of two (4 to <paramref name="tileKeys"/>) whose K and V
    /// rows for all <paramref name="bundle"/> KV heads take at most <see cref="BundleTileBytes"/>. A bundle's tile
    /// of 32 keys would be bundle × 32 K/V rows (256 KB for 8 fp32 heads of D 128): with the next tile's rows
    /// prefetched meanwhile, far past L1, so rows arrived in L1 and left it before use (measured at 1 thread: D1h
    /// bundled 4 heads × 32 keys ran ~40 % slower than unbundled, 4 × 8 keys ~25 % faster). A function of the
    /// shape alone, as tiles must be: a row's online-softmax steps follow its tiles.
    /// </summary>
    internal static int BundleTileKeys(int tileKeys, int bundle, int rowElements, int elementSize)
    {
        int keys = tileKeys;
        while (keys > 4 && (long)keys * bundle * rowElements * elementSize > BundleTileBytes)
        {
            keys /= 2;
        }

        return keys;
    }

    /// <summary>The K/V bytes one tile of a decode bundle reads (see <see cref="BundleTileKeys"/>): half an L1.</summary>
    internal const int BundleTileBytes = 32 * 1024;

    /// <summary>
    /// The most query rows a decode bundle holds (see <see cref="BundleHeads"/>): 32 takes all 8 KV heads of a
    /// group-4 model, so a paged decode reads each page block whole.
    /// </summary>
    internal const int MaxBundleRows = 32;

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

        if (problem.IsVarlen)
        {
            problem.Metadata!.Revalidate(); // refilled in place since Create: the same rules, from VarlenBatch
        }

        string qName = TSpec.QueryName, kName = TSpec.KeyName, vName = TSpec.ValueName, sinksName = TSpec.SinksName;
        KernelGuard.SpanLength(qName, problem.QueryElements, q.Length);
        ValidateKv(problem, k.Length, v.Length, kName, vName);
        KernelGuard.SpanLength("output", problem.OutputElements, output.Length);
        KernelGuard.OptionalSpanLength("lse", problem.LseElements, lse.Length);
        KernelGuard.OptionalSpanLength(sinksName, problem.QueryHeads, sinks.Length);

        // Written spans must not alias anything the call reads or writes.
        ReadOnlySpan<TO> written = output;
        ReadOnlySpan<float> lseWritten = lse;
        KernelGuard.Disjoint("output", written, qName, q);
        KernelGuard.Disjoint("lse", lseWritten, qName, q);
        KernelGuard.Disjoint("output", written, kName, k);
        KernelGuard.Disjoint("lse", lseWritten, kName, k);
        KernelGuard.Disjoint("output", written, vName, v);
        KernelGuard.Disjoint("lse", lseWritten, vName, v);
        KernelGuard.Disjoint("output", written, sinksName, sinks);
        KernelGuard.Disjoint("lse", lseWritten, sinksName, sinks);
        KernelGuard.Disjoint("lse", lseWritten, "output", written);
        CheckSide(written, lseWritten, inputs.Side0, "inputs.Side0");
        CheckSide(written, lseWritten, inputs.Side1, "inputs.Side1");
        CheckSide(written, lseWritten, inputs.Side2, "inputs.Side2");
        CheckSide(written, lseWritten, inputs.Side3, "inputs.Side3");
    }

    private static void ValidateKv(in AttentionProblem problem, int kLength, int vLength, string kName, string vName)
    {
        var kAddress = problem.K;
        var vAddress = problem.V;
        if (!kAddress.IsPaged)
        {
            KernelGuard.SpanLength(kName, problem.KvElements(kName, problem.HeadDim), kLength);
            KernelGuard.SpanLength(vName, problem.KvElements(vName, problem.ValueDim), vLength);
            return;
        }

        int numBlocks;
        if (kAddress.IsStacked)
        {
            // The factory checked that 2·N·BlockSize·H·D fits an int.
            numBlocks = kAddress.NumBlocks;
            int stacked = (int)(2 * numBlocks * AttentionProblem.KvBlockElements(kAddress));
            KernelGuard.SpanLength(kName, stacked, kLength);
            KernelGuard.SpanLength(vName, stacked, vLength);
        }
        else
        {
            // A separate cache is [N, BlockSize, H, D]: N follows from the length; v must have as many blocks.
            long kBlock = AttentionProblem.KvBlockElements(kAddress);
            long vBlock = AttentionProblem.KvBlockElements(vAddress);
            KernelGuard.MultipleOf(kName, "length", kBlock, kLength);
            KernelGuard.MultipleOf(vName, "length", vBlock, vLength);
            numBlocks = (int)(kLength / kBlock);
            KernelGuard.Equal(vName, "N (length / (BlockSize·H·Dv))", numBlocks, vLength / vBlock);
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
        where T : unmanaged => ElementTypes.Require(typeof(T));
}
