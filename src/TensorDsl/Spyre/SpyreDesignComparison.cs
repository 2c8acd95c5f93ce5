using System;
using System.Globalization;

namespace TensorDsl.Spyre;

/// <summary>Counts for one batch under one design: launches, FLOPs computed and useful, bytes sent to the device.</summary>
public readonly record struct SpyreBatchCost(string Design, int Launches, double FlopsComputed, double FlopsUseful, long BytesToDevice)
{
    /// <summary>Computed over useful FLOPs (1 = no padding waste).</summary>
    public double Waste => FlopsUseful == 0 ? double.PositiveInfinity : FlopsComputed / FlopsUseful;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Design,-52} launches {Launches,4}  FLOPs computed {FlopsComputed / 1e6,10:F1} M  useful {FlopsUseful / 1e6,8:F1} M  waste {Waste,6:F2}×  bytes to device {BytesToDevice / 1024.0,9:F0} KiB");
}

/// <summary>
/// One launch of the 2D design: query rows <c>[Start, Start + Chunk)</c> of sequence <paramref name="Sequence"/>'s query
/// padded to the batch's longest, over the batch's longest context padded to <paramref name="L"/>; shapes qᵀ
/// <c>[D, Hq·Chunk]</c>, k <c>[Hq·L, D]</c> and vᵀ <c>[D, Hq·L]</c> (KV heads duplicated to every query head), the
/// block-diagonal mask <c>[Hq·L, Hq·Chunk]</c> and the scale <c>[Hq·Chunk]</c>. <paramref name="Rows"/> is how many of
/// the chunk's rows are real.
/// </summary>
public readonly record struct SpyreTwoDLaunch(int Sequence, int Start, int Rows, int Chunk, int L);

/// <summary>
/// The 4D program against the design it replaces (docs/spyre.md#2d-versus-4d), counted from the batch's lengths. The 2D
/// design is counted as its code does it (torch-spyre/spyre-inference at 242da3b's parent, spyre_attn.py): every
/// sequence's query padded to the batch's longest and cut into 32-row chunks, one launch per (sequence, chunk), over the
/// batch's longest context padded to 256, with all Hq heads flattened into one <c>[Hq·L, D] @ [D, Hq·32]</c> product
/// under a block-diagonal mask. FLOPs count both matmuls (2 per multiply-add).
/// </summary>
public static class SpyreDesignComparison
{
    /// <summary>FLOPs of the visible (query, key) pairs: what any design must compute.</summary>
    public static double UsefulFlops(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens)
    {
        double pairs = 0;
        for (int b = 0; b < queryLens.Length; b++)
        {
            for (int i = 0; i < queryLens[b]; i++)
            {
                var (lo, hi) = SpyreHost.VisibleRange(spec, kvLens[b] - queryLens[b] + i, kvLens[b]);
                pairs += Math.Max(0, hi - lo + 1);
            }
        }

        return pairs * spec.QueryHeads * 4.0 * spec.HeadSize;
    }

    /// <summary>The 4D program: one launch over <c>[B·Hkv, G, Qp, L]</c> scores with the spec's bucketing.</summary>
    public static SpyreBatchCost FourD(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens, string? name = null)
    {
        int maxQ = 0, maxK = 0, tokens = 0;
        for (int b = 0; b < queryLens.Length; b++)
        {
            Check(queryLens[b], kvLens[b], b);
            maxQ = Math.Max(maxQ, queryLens[b]);
            maxK = Math.Max(maxK, kvLens[b]);
            tokens += queryLens[b];
        }

        var bucketing = spec.Bucketing;
        long batch = bucketing.PadBatch(queryLens.Length), qp = bucketing.PadQuery(maxQ), l = bucketing.PadKv(maxK);
        int d = spec.HeadSize;
        double computed = (double)batch * spec.QueryHeads * qp * l * 4.0 * d;
        long bytes = FourDBytes(spec, batch, qp, l, tokens);
        return new SpyreBatchCost(name ?? "4D (" + bucketing + ")", 1, computed, UsefulFlops(spec, queryLens, kvLens), bytes);
    }

    /// <summary>
    /// The 4D program launched twice per batch, once for the sequences whose query fits <paramref name="decodeQuery"/>
    /// rows (decodes, short chunks) and once for the rest, each with its own Qp and L: a mixed batch stops padding every
    /// decode to the longest prefill and every prefill to the longest context. Counted only: the host prepares each group
    /// as a batch of its own (docs/spyre.md#improvements).
    /// </summary>
    public static SpyreBatchCost FourDSplit(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens, int decodeQuery = 8)
    {
        var shortQ = new System.Collections.Generic.List<int>();
        var shortK = new System.Collections.Generic.List<int>();
        var longQ = new System.Collections.Generic.List<int>();
        var longK = new System.Collections.Generic.List<int>();
        for (int b = 0; b < queryLens.Length; b++)
        {
            (queryLens[b] <= decodeQuery ? shortQ : longQ).Add(queryLens[b]);
            (queryLens[b] <= decodeQuery ? shortK : longK).Add(kvLens[b]);
        }

        int launches = 0;
        double computed = 0;
        long bytes = 0;
        foreach (var (q, k) in new[] { (shortQ, shortK), (longQ, longK) })
        {
            if (q.Count > 0)
            {
                var part = FourD(spec, q.ToArray(), k.ToArray());
                launches++;
                computed += part.FlopsComputed;
                bytes += part.BytesToDevice;
            }
        }

        return new SpyreBatchCost("4D split (query ≤ " + decodeQuery.ToString(CultureInfo.InvariantCulture) + " / rest)", launches, computed, UsefulFlops(spec, queryLens, kvLens), bytes);
    }

    /// <summary>
    /// The 2D design's launches for a batch: for each sequence (spyre_attn.py line 527), ⌈max_query_len / 32⌉ chunks of
    /// the query padded to the batch's longest (lines 488 and 598–599), each over the batch's longest context rounded up to
    /// 256 (lines 363–367 and 585).
    /// </summary>
    public static System.Collections.Generic.List<SpyreTwoDLaunch> TwoDPlan(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens)
    {
        var launches = new System.Collections.Generic.List<SpyreTwoDLaunch>();
        const int chunk = 32; // QUERY_CHUNK_SIZE (line 173)
        int maxQ = 0, maxK = 0;
        for (int b = 0; b < queryLens.Length; b++)
        {
            Check(queryLens[b], kvLens[b], b);
            maxQ = Math.Max(maxQ, queryLens[b]);
            maxK = Math.Max(maxK, kvLens[b]);
        }

        int l = SpyreBucketing.Reference.PadKv(maxK);
        for (int b = 0; b < queryLens.Length; b++)
        {
            for (int start = 0; start < maxQ; start += chunk)
            {
                launches.Add(new SpyreTwoDLaunch(b, start, Math.Clamp(queryLens[b] - start, 0, chunk), chunk, l));
            }
        }

        return launches;
    }

    /// <summary>
    /// The 2D design counted over <see cref="TwoDPlan"/>: per launch <c>k @ qt</c> is <c>[Hq·L, D] @ [D, Hq·32]</c> and
    /// <c>vt @ p</c> is <c>[D, Hq·L] @ [Hq·L, Hq·32]</c> (lines 187 and 195, heads flattened at 676–693, K/V repeated to Hq
    /// heads at 588–590), and it sends qᵀ, k, vᵀ, the <c>[Hq·32]</c> scale (701–704) and the <c>[Hq·L, Hq·32]</c>
    /// block-diagonal mask (719–731) in fp16.
    /// </summary>
    public static SpyreBatchCost TwoD(SpyreKernelSpec spec, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens)
    {
        int d = spec.HeadSize, hq = spec.QueryHeads;
        double computed = 0;
        long bytes = 0;
        var plan = TwoDPlan(spec, queryLens, kvLens);
        foreach (var launch in plan)
        {
            double columns = (double)hq * launch.Chunk, rows = (double)hq * launch.L;
            computed += 2 * 2 * rows * columns * d;
            bytes += 2L * ((long)d * hq * launch.Chunk + 2L * hq * launch.L * d + (long)hq * launch.Chunk + (long)hq * launch.L * hq * launch.Chunk);
        }

        return new SpyreBatchCost("2D (spyre-inference before 242da3b)", plan.Count, computed, UsefulFlops(spec, queryLens, kvLens), bytes);
    }

    /// <summary>This target's step plan: the launches <paramref name="buckets"/> schedules, counted like <see cref="FourD"/>.</summary>
    public static SpyreBatchCost Step(SpyreKernelSpec spec, SpyreStepBuckets buckets, ReadOnlySpan<int> queryLens, ReadOnlySpan<int> kvLens)
    {
        var schedule = buckets.Schedule(queryLens, kvLens);
        double computed = 0;
        long bytes = 0;
        foreach (var launch in schedule)
        {
            int tokens = 0;
            foreach (var s in launch.Sequences) tokens += queryLens[s];
            var v = launch.Variant;
            computed += (double)v.Batch * spec.QueryHeads * v.Qp * v.L * 4.0 * spec.HeadSize;
            bytes += FourDBytes(spec, v.Batch, v.Qp, v.L, tokens);
        }

        return new SpyreBatchCost("step plan", schedule.Count, computed, UsefulFlops(spec, queryLens, kvLens), bytes);
    }

    private static long FourDBytes(SpyreKernelSpec spec, long batch, long qp, long l, int tokens) =>
        2 * (batch * spec.QueryHeads * qp * spec.HeadSize + 2 * batch * spec.KvHeads * l * spec.HeadSize + batch * spec.KvHeads * qp * l)
        + 4L * ((tokens + 31) / 32 * 32);

    /// <summary>Compiled variants of the 2D design over a serving configuration: one per padded KV length (the chunk is fixed).</summary>
    public static long TwoDVariants(int maxModelLen, int kvBucket = 256) => (maxModelLen + kvBucket - 1) / kvBucket;

    private static void Check(int lq, int lk, int b)
    {
        if (lq < 0 || lk < lq)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Sequence {b}: query length {lq} must be in [0, KV length {lk}]."));
        }
    }
}
