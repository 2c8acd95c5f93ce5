using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Cpu.Parallel;
using static TensorDsl.Tests.Conformance.Cases;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Split-KV (flash-decoding) against the reference engine: decodes of 1–3 query rows with G = 1, 4, 8 and B = 1–2
/// over 257 (one piece too few to split), 512, 1000, 2049 and 4096 keys — problems of fewer than
/// <see cref="WorkPlan.SplitTarget"/> blocks, so each block's keys are cut into pieces whose partial softmax states are
/// merged through their log-sum-exp. Every case goes through the full harness (tolerances, LSE, Run without LSE, exact
/// rules); on top: sinks, fully masked rows inside a split block (a mask lambda, an all −∞ bias row, −∞ over whole
/// pieces), NaN and ±∞ inputs in one piece or across pieces, and paged/varlen batches with long decodes, a sequence with
/// no keys and run-time head sizes.
/// </summary>
public sealed class SplitKvTests
{
    /// <summary>The driver's rows per block on the path these tests run (128 on the 512-bit path, else 64).</summary>
    private static int ActiveRowTarget => WorkPlan.RowTargetFor(global::TensorDsl.VectorPaths.Active == global::TensorDsl.CpuVectorPath.Vector512 ? 16 : 8);

    /// <summary>Whether the driver's plan splits this dense decode, from the documented rule (docs/design.md, "Work split").</summary>
    private static bool Splits(ConformanceCase c)
    {
        int g = c.Hq / c.Hkv;
        int perBlock = Math.Max(1, ActiveRowTarget / g);
        long blocks = (long)c.B * c.Hkv * ((c.Sq + perBlock - 1) / perBlock);
        return blocks < WorkPlan.SplitTarget && c.Sk >= 2 * WorkPlan.MinPieceKeys;
    }

    public static TheoryData<string, int, int, int, int, int, int> Decodes => new()
    {
        // kernel, B, Hq, Hkv, Lq, Sk, D
        { "F32.Bhsd.Causal", 1, 1, 1, 1, 257, 64 },   // too short to split: the boundary
        { "F32.Bhsd.Causal", 1, 1, 1, 1, 512, 64 },   // exactly two pieces
        { "F32.Bhsd.Causal", 1, 4, 1, 2, 1000, 64 },
        { "F32.Bhsd.Causal", 2, 8, 1, 3, 2049, 32 },
        { "F32.Bhsd.Causal", 1, 8, 1, 1, 4096, 64 },
        { "F32.Bhsd.Causal", 2, 2, 2, 3, 4096, 16 },  // G = 1
        { "F32.Bhsd.Sinks", 1, 4, 1, 1, 512, 64 },
        { "F32.Bhsd.Sinks", 2, 8, 1, 2, 1000, 64 },
        { "F16.Bhsd.Sinks", 2, 8, 1, 3, 1000, 64 },
        { "F16.Bhsd.Sinks", 1, 4, 1, 1, 2049, 64 },
        { "F32.Bshd.Sinks", 1, 8, 2, 2, 2049, 64 },
        { "BF16.Bhsd.Plain", 2, 8, 1, 1, 4096, 32 },
        { "F32.Bhsd.Alibi", 1, 4, 1, 3, 1000, 64 },
        { "F32.Bhsd.Softcap", 1, 8, 1, 1, 2049, 32 },
        { "F32.Bhsd.ScoreMod", 2, 4, 1, 1, 1000, 64 },
        { "Mix.F32.F16.Bshd.Causal", 1, 8, 2, 2, 2049, 64 },
        { "Mix.BF16.F16.Bshd.AlibiSinks", 1, 4, 1, 1, 1000, 64 },
        { "F32.Bhsd.Causal", 1, 32, 4, 1, 1000, 17 }, // G = 8 with an odd head size
    };

    [Theory]
    [MemberData(nameof(Decodes))]
    public void Split_decodes_agree_with_Reference(string kernel, int b, int hq, int hkv, int lq, int sk, int d)
    {
        var c = For("split", kernel, b, hq, hkv, lq, sk, d, seed: sk + 10 * lq + hq);
        Assert.Equal(sk >= 2 * WorkPlan.MinPieceKeys, Splits(c));
        var r = Check(c);
        foreach (var (bb, h, i) in r.Rows()) AssertLiveRow(r, bb, h, i);
    }

    [Fact]
    public void Large_sinks_take_the_weight_from_every_piece()
    {
        var c = For("split", "F32.Bhsd.Sinks", 1, 4, 1, 1, 2049, 64, seed: 5) with
        {
            Mutate = raw => { raw.Sinks[0] = 12; raw.Sinks[1] = -12; raw.Sinks[2] = 0; raw.Sinks[3] = 40; },
            MutateLabel = "sinks 12, −12, 0, 40",
        };
        Assert.True(Splits(c));
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows()) AssertLiveRow(r, b, h, i);
        // Sink 40 outweighs 2049 keys of scores ≈ ±3: LSE ≈ 40 exactly to float precision.
        Assert.Equal(40.0, r.RunLse[r.LseIndex(0, 3, 0)], 4);
    }

    // ---- Fully masked rows inside split blocks -------------------------------------------------------------------------

    [Theory]
    [InlineData("F32.Bhsd.MaskRows", 1, 4, 1, 3, 1000, 64)]
    [InlineData("BF16.Bshd.MaskRows", 2, 8, 1, 3, 2049, 32)]
    public void A_row_the_mask_lambda_empties_stays_empty_next_to_split_rows(string kernel, int b, int hq, int hkv, int lq, int sk, int d)
    {
        // Mask((b, h, q, kv) => q % 4 != 3 && kv <= q + 1): the position p with p % 4 == 3 sees nothing, its
        // neighbours in the same block see every key.
        var c = For("split-masked-row", kernel, b, hq, hkv, lq, sk, d, seed: 9);
        Assert.True(Splits(c));
        var r = Check(c);
        foreach (var (bb, h, i) in r.Rows())
        {
            if ((sk - lq + i) % 4 == 3) AssertEmptyRow(r, bb, h, i);
            else AssertLiveRow(r, bb, h, i);
        }
    }

    [Fact]
    public void Minus_infinity_bias_over_a_whole_row_or_whole_pieces()
    {
        // Row (h 1, i 0): every key −∞, so every piece is empty and the merge must give 0 and LSE −∞. Row (h 2, i 1):
        // keys below 600 −∞, so the first pieces hold nothing and the merge takes only the later ones.
        var c = For("split-bias-−∞", "F32.Bhsd.BiasFull", 1, 4, 1, 2, 1000, 32, seed: 12) with
        {
            Mutate = raw =>
            {
                for (int j = 0; j < raw.Case.Sk; j++) raw.Bias![raw.BiasIndex(0, 1, 0, j)] = double.NegativeInfinity;
                for (int j = 0; j < 600; j++) raw.Bias![raw.BiasIndex(0, 2, 1, j)] = double.NegativeInfinity;
            },
            MutateLabel = "bias[0,1,0,:] = bias[0,2,1,:600] = −∞",
        };
        Assert.True(Splits(c));
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows())
        {
            if (h == 1 && i == 0) AssertEmptyRow(r, b, h, i);
            else AssertLiveRow(r, b, h, i);
        }
    }

    // ---- NaN and infinities --------------------------------------------------------------------------------------------

    [Fact]
    public void Nan_and_infinities_propagate_through_the_merge()
    {
        // B 1, Hq 8 over Hkv 2 (heads 0–3 read KV head 0, heads 4–7 KV head 1), Lq 2, 1000 keys in 3 pieces.
        // KV head 0: key 700 has a NaN in k, so every row of heads 0–3 is NaN (both rows see key 700).
        // KV head 1: v[600, 2] = +∞ → column 2 is +∞; v[100, 4] = −∞ and v[900, 4] = +∞ (different pieces) → column 4 NaN.
        // q[h 5, i 0, 3] = NaN → that row is NaN entirely.
        var c = For("split-nan-inf", "F32.Bhsd.Causal", 1, 8, 2, 2, 1000, 16, seed: 21) with
        {
            Mutate = raw =>
            {
                raw.K[raw.KIndex(0, 0, 700, 5)] = double.NaN;
                raw.V[raw.KIndex(0, 1, 600, 2)] = double.PositiveInfinity;
                raw.V[raw.KIndex(0, 1, 100, 4)] = double.NegativeInfinity;
                raw.V[raw.KIndex(0, 1, 900, 4)] = double.PositiveInfinity;
                raw.Q[raw.QIndex(0, 5, 0, 3)] = double.NaN;
            },
            MutateLabel = "k NaN, v ±∞ across pieces, q NaN",
        };
        Assert.True(Splits(c));
        var r = Check(c);
        for (int h = 0; h < 8; h++)
        for (int i = 0; i < 2; i++)
        {
            if (h < 4 || (h == 5 && i == 0))
            {
                AssertNaNRow(r, 0, h, i);
                continue;
            }

            var row = r.RunRow(0, h, i);
            string at = $"row (h {h}, i {i})";
            Assert.True(double.IsPositiveInfinity(row[2]), $"{at}: out[2] = {row[2]}, expected +∞");
            Assert.True(double.IsNaN(row[4]), $"{at}: out[4] = {row[4]}, expected NaN (+∞ and −∞ from different pieces)");
            Assert.True(double.IsFinite(r.RunLse[r.LseIndex(0, h, i)]), $"{at}: LSE should be finite");
            for (int x = 0; x < 16; x++)
            {
                if (x != 2 && x != 4) Assert.True(double.IsFinite(row[x]), $"{at}: out[{x}] = {row[x]} should be finite");
            }
        }
    }

    [Fact]
    public void Infinite_keys_and_non_finite_sinks_in_split_rows()
    {
        // k[300, 0] = +∞: a head whose q[·, 0] is positive scores +∞ (NaN row), a negative one −∞ (key left out).
        // Sinks: NaN (NaN row), +∞ (∞ − ∞: NaN row), −∞ (no sink at all).
        var c = For("split-inf-k-sinks", "F32.Bhsd.Sinks", 1, 8, 1, 1, 2049, 16, seed: 33) with
        {
            Mutate = raw =>
            {
                raw.K[raw.KIndex(0, 0, 300, 0)] = double.PositiveInfinity;
                raw.Sinks[1] = double.NaN;
                raw.Sinks[2] = double.PositiveInfinity;
                raw.Sinks[3] = double.NegativeInfinity;
            },
            MutateLabel = "k[300, 0] = +∞, sinks NaN/+∞/−∞",
        };
        Assert.True(Splits(c));
        var r = Check(c);
        for (int h = 0; h < 8; h++)
        {
            if (h == 1 || h == 2 || r.Raw.Q[r.Raw.QIndex(0, h, 0, 0)] > 0) AssertNaNRow(r, 0, h, 0);
            else AssertLiveRow(r, 0, h, 0);
        }
    }

    /// <summary>docs/design.md, "no allocation per call after warm-up", on the split path: pieces, partial slots and merges.</summary>
    [Fact]
    public void Split_decodes_allocate_nothing_per_call_after_warm_up()
    {
        const int hq = 8, hkv = 1, sk = 4096, d = 64;
        var random = new Random(2);
        float[] Fill(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)random.NextDouble() - 0.5f; return a; }
        var q = Fill(hq * d);
        var k = Fill(hkv * sk * d);
        var v = Fill(hkv * sk * d);
        var sinks = Fill(hq);
        var output = new float[q.Length];
        var lse = new float[hq];
        Assert.True(Splits(new ConformanceCase("alloc", "F32.Bhsd.Sinks", 1, hq, hkv, 1, sk, d, 0)));

        void Call() => Kernels.F32BhsdSinks.Run(q, k, v, sinks, output, B: 1, Hq: hq, Sq: 1, D: d, Hkv: hkv, Sk: sk, lse: lse);
        Call();
        Call();
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int call = 0; call < 3; call++) Call();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(least == 0, $"3 split calls allocated {least} bytes on the calling thread (least of 3 attempts)");
    }

    // ---- Paged and varlen batches ---------------------------------------------------------------------------------------

    public static TheoryData<string, int[], int[], int, int, int> Batches => new()
    {
        // kernel, query lengths, seq_lens, Hq, Hkv, D (the last three only for run-time-head kernels)
        { "PagedF32Causal", new[] { 1, 2, 0, 3 }, new[] { 4096, 1000, 0, 2049 }, 0, 0, 0 }, // a sequence with no keys among decodes
        { "PagedF16Sinks", new[] { 1, 3 }, new[] { 2049, 512 }, 0, 0, 0 },                   // sinks and LSE, block size 1
        { "PagedF32Sinks", new[] { 3 }, new[] { 4096 }, 0, 0, 0 },                           // G = 8, B = 1
        { "PagedMixF32F16Causal", new[] { 1, 1, 1 }, new[] { 512, 4096, 300 }, 0, 0, 0 },   // Half cache under fp32 queries
        { "VarlenF32Causal", new[] { 3, 1, 0 }, new[] { 2049, 1000, 0 }, 0, 0, 0 },          // token K/V
        { "PagedF32RuntimeHeadsCausal", new[] { 1, 2 }, new[] { 4096, 700 }, 4, 4, 64 },   // G = 1
        { "PagedBF16RuntimeHeadsAlibi", new[] { 2, 1 }, new[] { 1000, 257 }, 8, 1, 17 },   // G = 8, odd run-time D, block size 1
        { "PagedMixF32F16RuntimeHeads", new[] { 1, 0, 1 }, new[] { 2049, 0, 513 }, 8, 2, 33 },
    };

    [Theory]
    [MemberData(nameof(Batches))]
    public void Split_paged_and_varlen_decodes_agree_with_Reference(string kernel, int[] q, int[] k, int hq, int hkv, int d)
    {
        var c = new VarlenCase("split", kernel, q, k, Seed: q.Sum() * 7 + k.Sum());
        if (hq > 0) c = c with { Hq = hq, Hkv = hkv, D = d };
        var t = VarlenPagedCatalog.Get(kernel).Traits;
        int g = (t.ConstHq ?? c.Hq) / (t.ConstHkv ?? c.Hkv);
        int perBlock = Math.Max(1, ActiveRowTarget / g);
        long blocks = q.Where(l => l > 0).Sum(l => (long)(l + perBlock - 1) / perBlock) * (t.ConstHkv ?? c.Hkv);
        Assert.True(blocks < WorkPlan.SplitTarget && k.Max() >= 2 * WorkPlan.MinPieceKeys, "the batch should take the split-KV path");
        VarlenPagedCatalog.Get(kernel).Check(c);
    }
}
