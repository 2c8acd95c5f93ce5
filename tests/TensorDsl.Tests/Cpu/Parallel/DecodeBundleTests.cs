using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using TensorDsl.Cpu;
using TensorDsl.Cpu.Parallel;
using TensorDsl.Cpu.Simd;
using static TensorDsl.Tests.Cpu.DriverHarness;

namespace TensorDsl.Tests.Cpu.Parallel;

/// <summary>
/// KV-head bundles (docs/design.md, "Decode bundles"): a single-position decode item reads several consecutive KV
/// heads at once, in shorter tiles. Checked on odd shapes — KV length 1, lengths that are no multiple of any tile,
/// empty query sequences between decodes, a prefill in the same batch, a head hidden entirely by a predicate in the
/// middle of a bundle — against the fp64 oracle, and for bitwise identity across K/V layouts (tokens and paged at
/// several block sizes), head slices that cut bundles, and thread counts. The plan itself is checked too: which items
/// are bundles, their heads, their tile, and that every row is finished exactly once.
/// </summary>
/// <remarks>ThreadCount and MinParallelFlops are process-wide, so these tests run in <see cref="ProcessWideCollection"/>.</remarks>
[Collection(ProcessWideCollection.Name)]
public sealed class DecodeBundleTests
{
    private const int Hq = 16, Hkv = 4, G = Hq / Hkv;

    // Decodes over 1, 37, 261 and 1000 keys, an empty query sequence, a prefill of 5 and a decode over 33 keys.
    private static readonly int[] QLens = { 1, 1, 0, 1, 5, 1, 1 };
    private static readonly int[] KvLens = { 1, 37, 7, 261, 40, 1000, 33 };

    private static Func<int, int, int, int, int, double, double> Scaled(int d)
    {
        float scale = DefaultScale(d);
        return (b, h, i, p, j, dot) => dot * scale;
    }

    /// <summary>The bundle width the driver's rule gives at the active vector width (1: none).</summary>
    private static int ExpectedBundle(int d, int dv)
    {
        int w = VectorPaths.Active switch
        {
            CpuVectorPath.Vector512 => 16,
            CpuVectorPath.Vector256 => 8,
            CpuVectorPath.Vector128 => 4,
            _ => 1,
        };
        return w >= 8 && G <= w / 2 && dv % w == 0 ? Math.Min(Hkv, AttentionDriver.MaxBundleRows / G) : 1;
    }

    private static WorkPlan LastPlan<TKV>()
        where TKV : unmanaged => VectorPaths.Active switch
    {
        CpuVectorPath.Vector512 => AttentionJob<Simd512, Vector512<float>, CausalSpec, float, TKV, float>.Current.Call.Plan,
        CpuVectorPath.Vector256 => AttentionJob<Simd256, Vector256<float>, CausalSpec, float, TKV, float>.Current.Call.Plan,
        CpuVectorPath.Vector128 => AttentionJob<Simd128, Vector128<float>, CausalSpec, float, TKV, float>.Current.Call.Plan,
        _ => AttentionJob<SimdScalar, float, CausalSpec, float, TKV, float>.Current.Call.Plan,
    };

    [Theory]
    [InlineData(32, false)]  // fp32, 4 KV heads × 32 keys fit the tile budget: whole tiles
    [InlineData(48, false)]  // 16-key tiles
    [InlineData(128, false)] // 8-key tiles, as D1
    [InlineData(128, true)]  // Half, 16-key tiles, as D1h
    public void Bundled_decodes_match_the_oracle_and_every_layout_slice_and_thread_count(int d, bool half)
    {
        if (half) Check<Half>(d);
        else Check<float>(d);
    }

    /// <summary>
    /// A decode over an fp16 cache widens each tile's K/V rows by the loads' finite form only when the tile holds no
    /// ±∞ or NaN (FiniteHalf). Poison one V element (+∞) of KV head 1 and one K element (NaN) of KV head 2, in
    /// different tiles: head 1's rows must carry +∞ in that column alone, head 2's rows must be NaN, and heads 0 and 3 —
    /// whose tiles then take the full load — must equal a clean run bit for bit (so both forms give the same bits).
    /// A finite form used on a poisoned tile would turn +∞ into 131,072 and NaN into a finite number.
    /// </summary>
    [Fact]
    public void Non_finite_half_rows_reach_exactly_their_rows_and_other_heads_keep_their_bits()
    {
        const int d = 128, sk = 300;
        var clean = Workload.Random<float, Half>(seed: 21, [1], [sk], Hq, Hkv, d, d);
        var poisoned = Workload.Random<float, Half>(seed: 21, [1], [sk], Hq, Hkv, d, d);
        poisoned.V[0][1][100][5] = double.PositiveInfinity;
        poisoned.K[0][2][201][7] = double.NaN;
        int savedThreads = AttentionOptions.ThreadCount;
        try
        {
            AttentionOptions.ThreadCount = 1;
            var expected = Varlen<CausalSpec, float, Half, float>(clean, KvKind.Tokens);
            var actual = Varlen<CausalSpec, float, Half, float>(poisoned, KvKind.Tokens);
            for (int h = 0; h < Hq; h++)
            {
                for (int x = 0; x < d; x++)
                {
                    float o = actual.Raw[h * d + x];
                    switch (h / G)
                    {
                        case 1:
                            Assert.True(x == 5 ? float.IsPositiveInfinity(o) : float.IsFinite(o), $"head {h}, column {x}: {o}");
                            break;
                        case 2:
                            Assert.True(float.IsNaN(o), $"head {h}, column {x}: {o}, expected NaN (a NaN key element)");
                            break;
                        default:
                            Assert.True(
                                BitConverter.SingleToInt32Bits(expected.Raw[h * d + x]) == BitConverter.SingleToInt32Bits(o),
                                $"head {h}, column {x}: {o}, clean run {expected.Raw[h * d + x]}");
                            break;
                    }
                }

                Assert.True(h / G == 2 ? float.IsNaN(actual.Lse[h]) : float.IsFinite(actual.Lse[h]), $"LSE of head {h}: {actual.Lse[h]}");
            }
        }
        finally
        {
            AttentionOptions.ThreadCount = savedThreads;
        }
    }

    /// <summary>
    /// A decode over an fp16 cache reads finite K tiles in the scaled form against q rows times 2^112, unless a scaled
    /// q row would overflow (|q · scale| ≥ 2^16), when the block takes the finite form (docs/design.md, "Where K/V are
    /// read"). Give query head 5 (KV head 1) such a row: the whole-call bundle holds it and takes the finite form, a
    /// slice of heads 0–3 does not and takes the scaled form, and heads 0–3 must have the same bits in both. Head 5's
    /// outputs must be finite: without the fallback its scores would be ∞ − ∞ = NaN.
    /// </summary>
    [Fact]
    public void Queries_too_large_for_the_scaled_form_take_the_finite_form_with_the_same_bits()
    {
        const int d = 128, sk = 300;
        var w = Workload.Random<float, Half>(seed: 23, [1], [sk], Hq, Hkv, d, d);
        for (int x = 0; x < d; x++) w.Q[0][5][0][x] *= 4e6; // |q · 128^-0.5| up to ~3.5e5, past 2^16
        int savedThreads = AttentionOptions.ThreadCount;
        try
        {
            AttentionOptions.ThreadCount = 1;
            var whole = Varlen<CausalSpec, float, Half, float>(w, KvKind.Tokens);
            var slice = Varlen<CausalSpec, float, Half, float>(w, KvKind.Tokens, heads: new HeadRange(0, G));
            for (int h = 0; h < Hq; h++)
            {
                for (int x = 0; x < d; x++)
                {
                    float o = whole.Raw[h * d + x];
                    Assert.True(float.IsFinite(o), $"head {h}, column {x}: {o}");
                    if (h < G)
                    {
                        Assert.True(
                            BitConverter.SingleToInt32Bits(slice.Raw[h * d + x]) == BitConverter.SingleToInt32Bits(o),
                            $"head {h}, column {x}: {o} in the whole call (finite form), {slice.Raw[h * d + x]} in the slice (scaled form)");
                    }
                }

                Assert.True(float.IsFinite(whole.Lse[h]), $"LSE of head {h}: {whole.Lse[h]}");
            }
        }
        finally
        {
            AttentionOptions.ThreadCount = savedThreads;
        }
    }

    private static void Check<TKV>(int d)
        where TKV : unmanaged
    {
        var w = Workload.Random<float, TKV>(d, QLens, KvLens, Hq, Hkv, d, d);
        var mask = CausalSpec.Mask;
        var sinks = Sinks(Hq, d);
        int savedThreads = AttentionOptions.ThreadCount;
        long savedFlops = AttentionOptions.MinParallelFlops;
        try
        {
            AttentionOptions.ThreadCount = 1;
            var tokens = Varlen<CausalSpec, float, TKV, float>(w, KvKind.Tokens, sinks: sinks);
            var (expected, lse) = w.Oracle(mask, null, Scaled(d), sinks);
            w.AssertOutput(expected, tokens.Output, Workload.Tolerance<TKV>());
            w.AssertLse(lse, tokens.Lse, tokens: true);
            CheckPlan(LastPlan<TKV>(), new HeadRange(0, Hq), d, typeof(TKV) == typeof(Half) ? 2 : 4);

            foreach (int blockSize in new[] { 1, 5, 16 })
            {
                var paged = Varlen<CausalSpec, float, TKV, float>(w, KvKind.Paged, blockSize, sinks, seed: blockSize);
                AssertSame(tokens, paged, w.Tokens, d, $"paged, block size {blockSize}");
            }

            // Slices that start and end inside bundles and inside groups, and single heads.
            foreach (var range in new[] { new HeadRange(3, 6), new HeadRange(5, 1), new HeadRange(8, 8), new HeadRange(1, 14) })
            {
                var slice = Varlen<CausalSpec, float, TKV, float>(w, KvKind.Paged, 16, sinks, heads: range, seed: 16);
                CheckPlan(LastPlan<TKV>(), range, d, typeof(TKV) == typeof(Half) ? 2 : 4);
                for (int t = 0; t < w.Tokens; t++)
                for (int h = 0; h < Hq; h++)
                {
                    bool inside = h >= range.Start && h < range.Start + range.Count;
                    for (int x = 0; x < d; x++)
                    {
                        int at = (t * Hq + h) * d + x;
                        Assert.True(
                            (inside ? tokens.Raw[at] : Sentinel).Equals(slice.Raw[at]),
                            $"heads {range}: token {t}, head {h}, column {x}: {slice.Raw[at]}, full run {tokens.Raw[at]}");
                    }

                    Assert.Equal(inside ? tokens.Lse[h * w.Tokens + t] : Sentinel, slice.Lse[h * w.Tokens + t]);
                }
            }

            AttentionOptions.MinParallelFlops = 0;
            foreach (int threads in new[] { 2, 3 })
            {
                AttentionOptions.ThreadCount = threads;
                var spread = Varlen<CausalSpec, float, TKV, float>(w, KvKind.Paged, 16, sinks, seed: 16);
                AssertSame(tokens, spread, w.Tokens, d, $"{threads} threads");
            }
        }
        finally
        {
            AttentionOptions.ThreadCount = savedThreads;
            AttentionOptions.MinParallelFlops = savedFlops;
        }
    }

    private static void AssertSame(Result<float> expected, Result<float> actual, int tokens, int d, string at)
    {
        for (int t = 0; t < tokens; t++)
        for (int h = 0; h < Hq; h++)
        {
            for (int x = 0; x < d; x++)
            {
                int i = (t * Hq + h) * d + x;
                Assert.True(expected.Raw[i].Equals(actual.Raw[i]), $"{at}: token {t}, head {h}, column {x}: {actual.Raw[i]}, tokens K/V on 1 thread {expected.Raw[i]}");
            }

            Assert.True(expected.Lse[h * tokens + t].Equals(actual.Lse[h * tokens + t]), $"{at}: LSE of token {t}, head {h}");
        }
    }

    [Fact]
    public void A_head_hidden_inside_a_bundle_writes_zero_and_minus_infinity_and_leaves_its_neighbours_alone()
    {
        const int d = 32;
        var w = Workload.Random<float, float>(21, QLens, KvLens, Hq, Hkv, d, d);
        var mask = new KeyMask(true, true, 30, 0, 0); // a window too: the long decodes see their last 31 keys
        Func<int, int, int, int, bool> visible = (b, h, p, j) => h != 5 && !(h == 9 && j % 3 == 0);
        using var _ = ConfigSpec.Use(mask, visible);
        int savedThreads = AttentionOptions.ThreadCount;
        AttentionOptions.ThreadCount = 1; // ConfigSpec's mask and predicate are the calling thread's only
        Result<float> result;
        try
        {
            result = Varlen<ConfigSpec, float, float, float>(w, KvKind.Paged, 16);
        }
        finally
        {
            AttentionOptions.ThreadCount = savedThreads;
        }

        var (expected, lse) = w.Oracle(mask, visible, Scaled(d));
        w.AssertOutput(expected, result.Output, Workload.Tolerance<float>());
        w.AssertLse(lse, result.Lse, tokens: true);
        for (int t = 0; t < w.Tokens; t++)
        {
            Assert.True(float.IsNegativeInfinity(result.Lse[5 * w.Tokens + t]), $"token {t}: head 5 sees no key, LSE {result.Lse[5 * w.Tokens + t]}");
            for (int x = 0; x < d; x++) Assert.Equal(0f, result.Raw[(t * Hq + 5) * d + x]);
        }
    }

    /// <summary>
    /// The plan of a call over <see cref="QLens"/>: decodes in aligned bundles of the expected width (cut only by the
    /// head range), everything else one KV head per item; bundles in tiles whose K/V for all bundled heads fit the
    /// budget; every (sequence, head, row) of the range finished once.
    /// </summary>
    private static void CheckPlan(WorkPlan plan, HeadRange range, int d, int elementSize)
    {
        int bundle = ExpectedBundle(d, d);
        int tile = AttentionJob<SimdScalar, float, ConfigSpec, float, float, float>.TileKeys;
        if (bundle > 1)
        {
            while (tile > 4 && tile * bundle * 2 * d * elementSize > AttentionDriver.BundleTileBytes) tile /= 2;
        }

        int end = range.Start + range.Count;
        var finishers = plan.Items.AsSpan(0, plan.ItemCount).ToArray().Where(i => i.Slot < 0).Concat(plan.Merges.AsSpan(0, plan.MergeCount).ToArray()).ToList();
        var covered = new Dictionary<(int, int, int), int>();
        foreach (var item in finishers)
        {
            string at = $"heads {range}: item (seq {item.Sequence}, kv heads {item.KvHead}+{item.KvHeads})";
            bool decode = QLens[item.Sequence] == 1;
            int step = decode ? bundle : 1;
            int kvFirst = Math.Max(item.KvHead / step * step, range.Start / G);
            int kvEnd = Math.Min(item.KvHead / step * step + step, (end - 1) / G + 1);
            Assert.True(item.KvHead == kvFirst && item.KvHeads == kvEnd - kvFirst, $"{at}: expected kv heads {kvFirst}..{kvEnd} (bundle {step})");
            Assert.True(item.HeadStart == Math.Max(range.Start, kvFirst * G) && item.HeadStart + item.HeadCount == Math.Min(end, kvEnd * G), $"{at}: heads {item.HeadStart}+{item.HeadCount}");
            Assert.True(item.TileKeys == (step > 1 ? tile : AttentionJob<SimdScalar, float, ConfigSpec, float, float, float>.TileKeys), $"{at}: tile {item.TileKeys}");
            for (int i = item.RowStart; i < item.RowStart + item.RowCount; i++)
            for (int h = item.HeadStart; h < item.HeadStart + item.HeadCount; h++)
            {
                covered[(item.Sequence, h, i)] = covered.GetValueOrDefault((item.Sequence, h, i)) + 1;
            }
        }

        Assert.True(covered.Values.All(n => n == 1), $"heads {range}: a row finished more than once");
        Assert.Equal(QLens.Sum() * range.Count, covered.Count);
        if (bundle > 1 && range.Count == Hq) Assert.Contains(finishers, i => i.KvHeads > 1); // the full run has bundles
    }
}
