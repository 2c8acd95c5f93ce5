using System;
using System.Linq;
using TensorDsl.Cpu;
using static TensorDsl.Tests.Cpu.DriverHarness;

namespace TensorDsl.Tests.Cpu;

/// <summary>
/// <see cref="AttentionDriver"/> against the naive fp64 oracle in <see cref="Workload"/>: every layout, GQA
/// ratio, mask family, element-type mix, sinks, LSE, empty rows, zero-length sequences and head ranges.
/// Layouts of the same data must also agree bit for bit (the per-row arithmetic does not depend on where a
/// row lives).
/// </summary>
public sealed class AttentionDriverTests
{
    private static Func<int, int, int, int, int, double, double> Scaled(int d)
    {
        float scale = DefaultScale(d);
        return (b, h, i, p, j, dot) => dot * scale;
    }

    public static TheoryData<bool, int, int, bool, bool, int, int, int> Masks() => new()
    {
        // bshd, G (Hq = 8 / Hkv), Sq/Sk offset, causal, window, left, right, chunk
        { false, 1, 0, false, false, 0, 0, 0 },
        { true, 2, 0, true, false, 0, 0, 0 },
        { false, 4, 3, true, true, 3, 0, 0 },
        { true, 8, 0, false, true, 2, 2, 0 },
        { false, 2, 5, false, false, 0, 0, 4 },
        { true, 4, -3, true, false, 0, 0, 3 },   // Sk < Sq: negative positions, empty leading rows
        { false, 1, -2, false, true, 1, 1, 0 },
        { true, 8, 2, true, true, int.MaxValue, int.MaxValue, 5 }, // huge window: p ± left must not wrap
    };

    /// <summary>
    /// Sequences long enough for the 256-row blocks of the 512- and 256-bit paths (docs/design.md, "CPU kernel"): without a key bound
    /// at 300 positions (one such block and a rest), and causal at 1030 positions of a group of 4 (diagonal tiles that
    /// skip the rows no key of theirs reaches); on the other paths the same problems run in the usual blocks.
    /// </summary>
    [Theory]
    [InlineData(false, 2, 2, 300)]
    [InlineData(true, 4, 1, 1030)]
    public void Long_sequences_match_oracle(bool causal, int hq, int hkv, int sq)
    {
        // Big enough to be spread over threads, so fixed-mask specs (ConfigSpec's mask is per thread).
        const int d = 16, dv = 12;
        var mask = new KeyMask(causal, false, 0, 0, 0);
        var w = Workload.Dense<float, float>(seed: 9, b: 1, sq, sq, hq, hkv, d, dv);
        var result = causal
            ? Dense<CausalSpec, float, float, float>(w, bshd: true)
            : Dense<ConstD16Spec, float, float, float>(w, bshd: true); // no mask, scale 1/√16
        var (expected, lse) = w.Oracle(mask, null, Scaled(d), null);
        w.AssertOutput(expected, result.Output, Workload.Tolerance<float>());
        w.AssertLse(lse, result.Lse, tokens: false);
    }

    /// <summary>
    /// Long sequences under masks whose diagonal tiles a block trims from both ends (a 9-key look-back window, and
    /// causal chunks of 40 that cut tiles of every width): each vector of rows computes only the keys it sees.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Long_windowed_and_chunked_sequences_match_oracle(bool chunked)
    {
        const int d = 16, dv = 12, sq = 777, hq = 8, hkv = 2;
        var w = Workload.Dense<float, float>(seed: 13, b: 1, sq, sq, hq, hkv, d, dv);
        var mask = chunked ? Chunk40Spec.Mask : GptOssSpec.Mask;
        var result = chunked
            ? Dense<Chunk40Spec, float, float, float>(w, bshd: true)
            : Dense<GptOssSpec, float, float, float>(w, bshd: true);
        var (expected, lse) = w.Oracle(mask, null, Scaled(d), null);
        w.AssertOutput(expected, result.Output, Workload.Tolerance<float>());
        w.AssertLse(lse, result.Lse, tokens: false);
    }

    /// <summary>
    /// An output whose weighted sum underflows to zero is +0, never −0: value rows of −ε (the smallest subnormal)
    /// under equal weights give products that round to −0, and whether a row also adds keys of weight 0 (which
    /// turn a −0 sum into +0) depends on the tile and the rows beside it, so the sign of such a zero is made +0
    /// when the row is written. Rows that see one key keep −ε itself.
    /// </summary>
    [Fact]
    public void Underflowed_outputs_are_positive_zero()
    {
        const int sq = 300, hq = 4, hkv = 1, d = 16, dv = 12;
        var w = Workload.Dense<float, float>(seed: 5, b: 1, sq, sq, hq, hkv, d, dv);
        foreach (var x in w.Q[0].Concat(w.K[0]).SelectMany(head => head)) Array.Clear(x);
        foreach (var x in w.V[0].SelectMany(head => head)) Array.Fill(x, -(double)float.Epsilon);
        var result = Dense<CausalSpec, float, float, float>(w, bshd: true);
        for (int h = 0; h < hq; h++)
        for (int i = 0; i < sq; i++)
        for (int x = 0; x < dv; x++)
        {
            float o = (float)result.Output[0][h][i][x];
            if (i == 0)
            {
                Assert.Equal(-float.Epsilon, o);
            }
            else if (BitConverter.SingleToInt32Bits(o) != 0)
            {
                Assert.Fail($"head {h}, position {i}, column {x}: {o} (bits {BitConverter.SingleToInt32Bits(o):X8}), expected +0");
            }
        }
    }

    /// <summary>
    /// A causal row's bits do not depend on the block it shares or on whether a tile skips it: its tiles start at
    /// key 0 in any block, and a tile computes only the run of rows that sees it, which must leave a row exactly as
    /// computing it against all-hidden keys would. The last 256 positions of a 1030-position sequence, asked for
    /// alone (Sq 256 over the same 1030 keys: blocks that start elsewhere, so other rows share them, other tiles skip
    /// them or compute them with nothing visible), must equal the full call's rows bit for bit.
    /// </summary>
    [Fact]
    public void Causal_rows_are_the_same_bits_whether_a_tile_skips_them_or_not()
    {
        // 8 KV heads × 256 positions: the tail call has at least 32 blocks on every path (4 of 64 positions per head
        // with 256-row blocks), so neither call splits its keys (split-KV merges pieces: other bits).
        const int sq = 1030, tail = 256, hq = 32, hkv = 8, d = 16, dv = 12;
        var full = Workload.Dense<float, float>(seed: 11, b: 1, sq, sq, hq, hkv, d, dv);
        var last = new Workload
        {
            Hq = hq, Hkv = hkv, D = d, Dv = dv, QLens = [tail], KvLens = [sq],
            Q = [full.Q[0].Select(head => head[(sq - tail)..]).ToArray()], K = full.K, V = full.V,
        };
        var whole = Dense<CausalSpec, float, float, float>(full, bshd: true);
        var alone = Dense<CausalSpec, float, float, float>(last, bshd: true);
        for (int h = 0; h < hq; h++)
        for (int i = 0; i < tail; i++)
        {
            for (int x = 0; x < dv; x++)
            {
                Assert.True(
                    BitConverter.DoubleToInt64Bits(whole.Output[0][h][sq - tail + i][x]) == BitConverter.DoubleToInt64Bits(alone.Output[0][h][i][x]),
                    $"head {h}, position {sq - tail + i}, column {x}: {alone.Output[0][h][i][x]} alone, {whole.Output[0][h][sq - tail + i][x]} in the full call");
            }

            Assert.Equal(whole.Lse[h * sq + sq - tail + i], alone.Lse[h * tail + i]);
        }
    }

    [Theory]
    [MemberData(nameof(Masks))]
    public void Dense_matches_oracle(bool bshd, int group, int extraKv, bool causal, bool window, int left, int right, int chunk)
    {
        const int hq = 8, d = 16, dv = 12, sq = 7;
        var mask = new KeyMask(causal, window, left, right, chunk);
        var w = Workload.Dense<float, float>(seed: 1, b: 2, sq, sq + extraKv, hq, hq / group, d, dv);
        using (ConfigSpec.Use(mask))
        {
            var sinks = Sinks(hq, 3);
            var result = Dense<ConfigSpec, float, float, float>(w, bshd, sinks);
            var (expected, lse) = w.Oracle(mask, null, Scaled(d), sinks);
            w.AssertOutput(expected, result.Output, Workload.Tolerance<float>());
            w.AssertLse(lse, result.Lse, tokens: false);
        }
    }

    [Fact]
    public void Element_type_mixes_match_oracle()
    {
        Mix<float, Half, float>();
        Mix<float, Half, Half>();
        Mix<float, BFloat16, BFloat16>();
        Mix<Half, Half, Half>();
        Mix<BFloat16, BFloat16, BFloat16>();
        Mix<BFloat16, float, Half>();

        static void Mix<TQ, TKV, TO>()
            where TQ : unmanaged
            where TKV : unmanaged
            where TO : unmanaged
        {
            var mask = new KeyMask(true, false, 0, 0, 0);
            var w = Workload.Dense<TQ, TKV>(seed: 7, b: 2, sq: 5, sk: 9, hq: 4, hkv: 2, d: 32, dv: 32);
            using var _ = ConfigSpec.Use(mask);
            var result = Dense<ConfigSpec, TQ, TKV, TO>(w, bshd: true);
            var (expected, lse) = w.Oracle(mask, null, Scaled(32));
            w.AssertOutput(expected, result.Output, Workload.Tolerance<TO>());
            w.AssertLse(lse, result.Lse, tokens: false);
        }
    }

    [Fact]
    public void Unsupported_element_type_throws()
    {
        Assert.Throws<NotSupportedException>(() =>
        {
            var problem = AttentionProblem.Dense(
                1, 1, 1, 1, 1, 1, 1, RowAddressing.Bhsd(1, 1, 1), KvAddressing.Bhsd(1, 1, 1), KvAddressing.Bhsd(1, 1, 1),
                RowAddressing.Bhsd(1, 1, 1));
            AttentionDriver.Run<ConfigSpec, double, float, float>(
                problem, new double[1], new float[1], new float[1], new float[1], default, default, default);
        });
    }

    [Fact]
    public void Softcap_predicate_spec_matches_oracle()
    {
        var w = Workload.Random<float, float>(2, new[] { 3, 0, 6, 1 }, new[] { 10, 4, 6, 33 }, hq: 6, hkv: 3, d: 24, dv: 24);
        var result = Varlen<SoftcapSpec, float, float, float>(w, KvKind.Tokens);
        float scale = DefaultScale(24);
        var (expected, lse) = w.Oracle(
            SoftcapSpec.Mask, (b, h, p, j) => SoftcapSpec.Predicate(h, j),
            (b, h, i, p, j, dot) => 30 * Math.Tanh(dot * scale / 30));
        w.AssertOutput(expected, result.Output, Workload.Tolerance<float>());
        w.AssertLse(lse, result.Lse, tokens: true);
    }

    [Fact]
    public void Bias_and_alibi_side_tensors_match_oracle()
    {
        const int b = 2, hq = 4, sq = 3, sk = 8, d = 16;
        var w = Workload.Dense<float, float>(seed: 9, b, sq, sk, hq, hkv: 2, d, dv: d);
        var random = new Random(4);
        // [1, Hq, Sq, Sk]: broadcast over the batch.
        var bias = Enumerable.Range(0, hq * sq * sk).Select(_ => (Half)(random.NextDouble() * 2 - 1)).ToArray();
        var slopes = new[] { 0.5f, 0.25f, 0.125f, 0.0625f };
        var q = Workload.LayDense<float>(w.Q, hq, sq, d, false);
        var k = Workload.LayDense<float>(w.K, 2, sk, d, false);
        var v = Workload.LayDense<float>(w.V, 2, sk, d, false);
        var output = new float[b * hq * sq * d];
        var lse = new float[b * hq * sq];
        var problem = AttentionProblem.Dense(
            b, hq, 2, sq, sk, d, d, RowAddressing.Bhsd(hq, sq, d), KvAddressing.Bhsd(2, sk, d), KvAddressing.Bhsd(2, sk, d),
            RowAddressing.Bhsd(hq, sq, d));
        var inputs = new ScoreInputs
        {
            DefaultScale = DefaultScale(d),
            Side0 = SideTensor.Bias<Half>(bias, 1, hq, sq, sk),
            Side1 = SideTensor.PerHead(slopes),
        };
        AttentionDriver.Run<BiasAlibiSpec, float, float, float>(problem, q, k, v, output, lse, default, inputs);

        float scale = DefaultScale(d);
        var (expected, expectedLse) = w.Oracle(KeyMask.None, null, (bb, h, i, p, j, dot) =>
            dot * scale + (double)bias[(h * sq + i) * sk + j] + slopes[h] * (double)(j - p));
        w.AssertOutput(expected, w.ReadRows(output, d, tokens: false), Workload.Tolerance<float>());
        w.AssertLse(expectedLse, lse, tokens: false);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Varlen_tokens_and_paged_match_oracle_and_each_other(int group)
    {
        const int hq = 8, d = 16;
        // Prefill, decode, an empty query (Lq = 0), chunked prefill and a sequence with no KV at all.
        var w = Workload.Random<float, Half>(group, new[] { 5, 1, 0, 4, 0 }, new[] { 5, 40, 7, 150, 0 }, hq, hq / group, d, d);
        var mask = new KeyMask(true, true, 20, 0, 0);
        using var _ = ConfigSpec.Use(mask);
        var sinks = Sinks(hq, group);
        var tokens = Varlen<ConfigSpec, float, Half, float>(w, KvKind.Tokens, sinks: sinks);
        var (expected, lse) = w.Oracle(mask, null, Scaled(d), sinks);
        w.AssertOutput(expected, tokens.Output, Workload.Tolerance<float>());
        w.AssertLse(lse, tokens.Lse, tokens: true);

        foreach (int blockSize in new[] { 1, 16, 32, 128 })
        {
            var paged = Varlen<ConfigSpec, float, Half, float>(w, KvKind.Paged, blockSize, sinks, seed: blockSize);
            Assert.Equal(tokens.Raw, paged.Raw);
            Assert.Equal(tokens.Lse, paged.Lse);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(32)]
    public void Stacked_caches_equal_separate_caches(int blockSize)
    {
        var w = Workload.Random<BFloat16, BFloat16>(11, new[] { 3, 1, 6 }, new[] { 20, 50, 6 }, hq: 4, hkv: 2, d: 8, dv: 8);
        using var _ = ConfigSpec.Use(new KeyMask(true, false, 0, 0, 0));
        var separate = Varlen<ConfigSpec, BFloat16, BFloat16, BFloat16>(w, KvKind.Paged, blockSize);
        var blocksFirst = Varlen<ConfigSpec, BFloat16, BFloat16, BFloat16>(w, KvKind.BlocksFirst, blockSize);
        var kvFirst = Varlen<ConfigSpec, BFloat16, BFloat16, BFloat16>(w, KvKind.KvFirst, blockSize);
        Assert.Equal(separate.Raw, blocksFirst.Raw);
        Assert.Equal(separate.Raw, kvFirst.Raw);
        Assert.Equal(separate.Lse, kvFirst.Lse);
        var (expected, _) = w.Oracle(ConfigSpec.Mask, null, Scaled(8));
        w.AssertOutput(expected, separate.Output, Workload.Tolerance<BFloat16>());
    }

    [Fact]
    public void Head_range_writes_only_its_heads()
    {
        var w = Workload.Random<float, float>(13, new[] { 4, 2 }, new[] { 9, 2 }, hq: 8, hkv: 2, d: 8, dv: 8);
        using var _ = ConfigSpec.Use(new KeyMask(true, false, 0, 0, 0));
        var full = Varlen<ConfigSpec, float, float, float>(w, KvKind.Paged, 4);
        var range = new HeadRange(3, 3); // straddles the two KV-head groups
        var shard = Varlen<ConfigSpec, float, float, float>(w, KvKind.Paged, 4, heads: range);
        for (int t = 0; t < w.Tokens; t++)
        for (int h = 0; h < 8; h++)
        {
            bool inside = h >= 3 && h < 6;
            for (int d = 0; d < 8; d++)
            {
                int x = (t * 8 + h) * 8 + d;
                Assert.Equal(inside ? full.Raw[x] : Sentinel, shard.Raw[x]);
            }

            Assert.Equal(inside ? full.Lse[h * w.Tokens + t] : Sentinel, shard.Lse[h * w.Tokens + t]);
        }

        var dense = Workload.Dense<float, float>(14, 2, 3, 5, 8, 4, 8, 8);
        var denseFull = Dense<ConfigSpec, float, float, float>(dense, bshd: true);
        var denseShard = Dense<ConfigSpec, float, float, float>(dense, bshd: true, heads: new HeadRange(0, 1));
        var (expected, _) = dense.Oracle(ConfigSpec.Mask, null, Scaled(8));
        dense.AssertOutput(expected, denseShard.Output, Workload.Tolerance<float>(), h => h == 0);
        Assert.Equal(Sentinel, denseShard.Output[1][1][0][0]);
        Assert.Equal(denseFull.Output[1][0][2], denseShard.Output[1][0][2]);
    }

    [Fact]
    public void Empty_head_range_and_empty_batch_do_nothing()
    {
        var w = Workload.Dense<float, float>(15, 1, 2, 2, 2, 1, 4, 4);
        var none = Dense<ConfigSpec, float, float, float>(w, bshd: false, heads: new HeadRange(2, 0));
        Assert.All(none.Raw, x => Assert.Equal(Sentinel, x));

        var empty = AttentionProblem.Varlen(
            VarlenBatch.Create(new[] { 0 }, Array.Empty<int>()), 2, 1, 4, 4,
            RowAddressing.Tokens(2, 4), KvAddressing.Tokens(1, 4), KvAddressing.Tokens(1, 4), RowAddressing.Tokens(2, 4));
        AttentionDriver.Run<ConfigSpec, float, float, float>(empty, default, default, default, default, default, default, default);
    }

    [Fact]
    public void Rows_with_no_visible_key_or_only_minus_infinity_write_zero_and_minus_infinity()
    {
        // Chunk 4 with Sk < Sq: rows at negative positions see nothing; a predicate hides everything of head 1.
        var w = Workload.Dense<float, float>(16, 1, 6, 3, 2, 1, 4, 4);
        var mask = new KeyMask(false, false, 0, 0, 4);
        using var _ = ConfigSpec.Use(mask, (b, h, p, j) => h != 1);
        var sinks = new[] { 5f, 5f };
        var result = Dense<ConfigSpec, float, float, float>(w, bshd: false, sinks);
        var (expected, lse) = w.Oracle(mask, (b, h, p, j) => h != 1, Scaled(4), sinks);
        w.AssertOutput(expected, result.Output, 1e-5);
        w.AssertLse(lse, result.Lse, tokens: false);
        Assert.All(result.Output[0][1], row => Assert.All(row, x => Assert.Equal(0.0, x)));
        Assert.True(float.IsNegativeInfinity(result.Lse[0]));
    }

    [Fact]
    public void Nan_input_propagates()
    {
        var w = Workload.Dense<float, float>(17, 1, 1, 3, 1, 1, 4, 4);
        w.K[0][0][1][2] = double.NaN;
        using var _ = ConfigSpec.Use(KeyMask.None);
        var result = Dense<ConfigSpec, float, float, float>(w, bshd: false);
        Assert.All(result.Raw, x => Assert.True(float.IsNaN(x)));
        Assert.True(float.IsNaN(result.Lse[0]));
    }

    [Fact]
    public void Large_head_dim_uses_pooled_scratch()
    {
        var w = Workload.Dense<float, float>(18, 1, 2, 3, 2, 1, 600, 520);
        using var _ = ConfigSpec.Use(KeyMask.None);
        var result = Dense<ConfigSpec, float, float, float>(w, bshd: true);
        var (expected, lse) = w.Oracle(KeyMask.None, null, Scaled(600));
        w.AssertOutput(expected, result.Output, 1e-4);
        w.AssertLse(lse, result.Lse, tokens: false);
    }

    [Fact]
    public void Const_head_dim_must_match_problem()
    {
        var w = Workload.Dense<float, float>(19, 1, 2, 2, 1, 1, 16, 16);
        var ok = Dense<ConstD16Spec, float, float, float>(w, bshd: false);
        var (expected, _) = w.Oracle(KeyMask.None, null, (b, h, i, p, j, dot) => dot * 0.25);
        w.AssertOutput(expected, ok.Output, 1e-5);

        var wrong = Workload.Dense<float, float>(19, 1, 2, 2, 1, 1, 8, 8);
        var e = Assert.Throws<ShapeException>(() => Dense<ConstD16Spec, float, float, float>(wrong, bshd: false));
        Assert.Equal("q", e.Parameter);
        Assert.Equal("D", e.Dimension);
    }

    [Fact]
    public void No_allocation_per_call_after_warm_up()
    {
        var w = Workload.Random<float, Half>(20, new[] { 3, 1 }, new[] { 40, 70 }, 4, 2, 64, 64);
        var batch = w.PagedMetadata(16, 1, out int numBlocks);
        var q = Workload.LayTokens<float>(w.Q, 4, 64);
        var k = new Half[numBlocks * 16 * 2 * 64];
        var v = new Half[k.Length];
        var output = new float[q.Length];
        var lse = new float[4 * w.Tokens];
        var sinks = new float[4];
        var big = Workload.Dense<float, float>(21, 1, 2, 4, 2, 1, 700, 700);
        var bq = Workload.LayDense<float>(big.Q, 2, 2, 700, false);
        var bk = Workload.LayDense<float>(big.K, 1, 4, 700, false);
        var bo = new float[bq.Length];

        void Call()
        {
            var problem = AttentionProblem.Varlen(
                batch, 4, 2, 64, 64, RowAddressing.Tokens(4, 64), KvAddressing.Paged(16, 2, 64), KvAddressing.Paged(16, 2, 64),
                RowAddressing.Tokens(4, 64));
            var inputs = new ScoreInputs { DefaultScale = 0.125f };
            AttentionDriver.Run<SoftcapSpec, float, Half, float>(problem, q, k, v, output, lse, sinks, inputs);
            var dense = AttentionProblem.Dense(
                1, 2, 1, 2, 4, 700, 700, RowAddressing.Bhsd(2, 2, 700), KvAddressing.Bhsd(1, 4, 700),
                KvAddressing.Bhsd(1, 4, 700), RowAddressing.Bhsd(2, 2, 700)).WithHeads(new HeadRange(1, 1));
            AttentionDriver.Run<SoftcapSpec, float, float, float>(dense, bq, bk, bk, bo, default, default, inputs);
        }

        Call();
        Call();
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int call = 0; call < 5; call++) Call();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(least == 0, $"5 calls allocated {least} bytes (least of 3 attempts)");
    }
}
