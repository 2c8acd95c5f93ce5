using System;
using System.Linq;
using static TensorDsl.Tests.Conformance.Cases;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Chosen shape cases: decode and chunked prefill, awkward and larger lengths, empty query / cache / batch,
/// degenerate head sizes, fully masked rows. Every case goes through the full harness (all docs/semantics.md rules,
/// tolerances); the assertions here add the specific facts each case exists to show, from exact rules only.
/// Numeric edge cases are in <see cref="NumericEdgeTests"/>.
/// </summary>
public sealed class EdgeCaseTests
{
    // ---- Decode and chunked prefill -------------------------------------------------------------------------

    private static readonly string[] DecodeKernels =
        { "F32.Bhsd.Causal", "F32.Bhsd.Alibi", "F16.Bshd.GptOss", "F16.Bhsd.Sinks", "BF16.Bhsd.Window", "BF16.Bshd.Gemma" };

    public static TheoryData<string, int> Decode()
    {
        var data = new TheoryData<string, int>();
        foreach (var kernel in DecodeKernels)
        foreach (var sk in new[] { 1, 7, 31, 33, 127, 1000 })
            data.Add(kernel, sk);
        return data;
    }

    [Theory]
    [MemberData(nameof(Decode))]
    public void Decode_one_query_row_over_a_long_cache(string kernel, int sk)
    {
        var r = Check(For("decode", kernel, b: 2, hq: 8, hkv: 2, sq: 1, sk: sk, d: 64, seed: 100 + sk));
        foreach (var (b, h, i) in r.Rows()) AssertLiveRow(r, b, h, i); // the last query sees at least itself
    }

    public static TheoryData<string, int, int, int, int, int, int> Larger() => new()
    {
        // kernel, B, Hq, Hkv, Sq, Sk, D: sizes where a kernel may switch to tiles, threads or split-KV.
        { "F32.Bhsd.Causal", 1, 4, 1, 1, 4099, 128 },
        { "F16.Bshd.GptOss", 2, 16, 2, 3, 2050, 64 },
        { "F32.Bhsd.Plain", 1, 8, 2, 257, 257, 64 },
        { "BF16.Bhsd.Window", 3, 16, 4, 65, 300, 80 },
        { "F32.Bshd.WindowCausal", 2, 32, 4, 129, 1000, 16 },
    };

    [Theory]
    [MemberData(nameof(Larger))]
    public void Larger_shapes(string kernel, int b, int hq, int hkv, int sq, int sk, int d) =>
        Check(For("larger", kernel, b, hq, hkv, sq, sk, d, seed: sq + sk));

    public static TheoryData<string, int, int> Prefill()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var kernel in new[] { "F32.Bhsd.Causal", "F32.Bhsd.Chunked", "F16.Bshd.WindowCausal", "BF16.Bshd.Causal", "F32.Mixed.Causal" })
        foreach (var (sq, sk) in new[] { (7, 31), (31, 33), (33, 127), (1, 127), (2, 3), (127, 127) })
            data.Add(kernel, sq, sk);
        return data;
    }

    [Theory]
    [MemberData(nameof(Prefill))]
    public void Chunked_prefill_queries_sit_at_the_end_of_the_cache(string kernel, int sq, int sk)
    {
        var r = Check(For("prefill", kernel, b: 1, hq: 4, hkv: 2, sq: sq, sk: sk, d: 16, seed: sq * 1000 + sk));
        // Bottom-right alignment: with Sk ≥ Sq every query position p = Sk − Sq + i ≥ 0 sees key p itself.
        foreach (var (b, h, i) in r.Rows()) AssertLiveRow(r, b, h, i);
    }

    public static TheoryData<string, int> Lengths()
    {
        var data = new TheoryData<string, int>();
        foreach (var kernel in new[] { "F32.Bhsd.Plain", "F16.Bhsd.Causal", "BF16.Bhsd.Chunked", "F32.Bshd.WindowCausal" })
        foreach (var length in new[] { 1, 7, 31, 33, 127 })
            data.Add(kernel, length);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Lengths_that_are_not_a_multiple_of_anything(string kernel, int length) =>
        Check(For("length", kernel, b: 1, hq: 2, hkv: 1, sq: length, sk: length, d: 33, seed: length));

    // ---- Empty query, empty cache, degenerate sizes -----------------------------------------------------------

    public static TheoryData<string> EveryKernel()
    {
        var data = new TheoryData<string>();
        foreach (var kernel in KernelCatalog.AllKernels) data.Add(kernel.Traits.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryKernel))]
    public void Empty_query_does_nothing_and_does_not_throw(string kernel)
    {
        var r = Check(For("Sq=0", kernel, b: 2, hq: 4, hkv: 2, sq: 0, sk: 9, d: 8));
        Assert.Empty(r.Run);
        Assert.Empty(r.RunLse);
    }

    [Theory]
    [MemberData(nameof(EveryKernel))]
    public void Empty_cache_gives_zero_rows_and_minus_infinity(string kernel)
    {
        var r = Check(For("Sk=0", kernel, b: 2, hq: 4, hkv: 2, sq: 5, sk: 0, d: 8));
        Assert.NotEmpty(r.Run);
        foreach (var (b, h, i) in r.Rows()) AssertEmptyRow(r, b, h, i);
    }

    [Theory]
    [MemberData(nameof(EveryKernel))]
    public void Empty_batch_does_nothing(string kernel)
    {
        var r = Check(For("B=0", kernel, b: 0, hq: 4, hkv: 2, sq: 5, sk: 6, d: 8));
        Assert.Empty(r.Run);
    }

    [Theory]
    [InlineData("F32.Bhsd.Plain")]
    [InlineData("F16.Bhsd.Sinks")]
    [InlineData("BF16.Bhsd.BiasFull")]
    public void No_query_heads_does_nothing(string kernel) =>
        Assert.Empty(Check(For("Hq=0", kernel, b: 2, hq: 0, hkv: 1, sq: 5, sk: 6, d: 8)).Run);

    [Theory]
    [InlineData("F32.Bhsd.Plain")]
    [InlineData("F16.Bhsd.Causal")]
    [InlineData("BF16.Bhsd.GptOss")]
    public void Head_size_above_the_stack_scratch(string kernel) =>
        Check(For("D=600", kernel, b: 1, hq: 2, hkv: 1, sq: 3, sk: 5, d: 600));

    [Theory]
    [InlineData("F32.Bhsd.Scale")]
    [InlineData("F16.Bshd.Scale")]
    public void Zero_head_size_with_an_explicit_scale_gives_uniform_weights(string kernel)
    {
        // D = 0: every score is the empty sum 0 times the scale, so LSE = ln(number of visible keys), exactly.
        var r = Check(For("D=0", kernel, b: 1, hq: 2, hkv: 1, sq: 6, sk: 4, d: 0));
        foreach (var (b, h, i) in r.Rows())
        {
            int count = r.VisibleCount(b, h, i);
            if (count == 0) continue;
            Assert.Equal(Math.Log(count), r.RunLse[r.LseIndex(b, h, i)], 5);
        }
    }

    [Theory]
    [InlineData("F32.Bhsd.Plain")]
    [InlineData("BF16.Bhsd.Causal")]
    public void Zero_head_size_with_the_default_scale_is_rejected_or_gives_no_NaN(string kernel)
    {
        // D = 0 and no explicit scale: the default 1/√D is +∞ and the empty dot product is 0, so a literal
        // 0 · ∞ makes every LSE NaN although no input is NaN. Either the entry point rejects D = 0 (ShapeException
        // naming D) or the score is the empty sum 0 (LSE = ln(visible keys)); NaN is neither.
        var c = For("D=0-default-scale", kernel, b: 1, hq: 2, hkv: 1, sq: 3, sk: 4, d: 0);
        try
        {
            Check(c);
        }
        catch (ShapeException e)
        {
            Assert.Equal("D", e.Dimension);
        }
    }

    // ---- Fully masked rows ------------------------------------------------------------------------------------

    [Theory]
    [InlineData("F32.Bhsd.Causal")]
    [InlineData("F32.Mixed.Causal")]
    [InlineData("F16.Bhsd.Sinks")]
    [InlineData("F16.Bshd.GptOss")]
    [InlineData("BF16.Bshd.Causal")]
    [InlineData("BF16.Bhsd.GptOss")]
    public void Causal_with_fewer_keys_than_queries_empties_the_leading_rows(string kernel)
    {
        const int sq = 9, sk = 4;
        var r = Check(For("Sk<Sq", kernel, b: 2, hq: 4, hkv: 2, sq: sq, sk: sk, d: 8));
        foreach (var (b, h, i) in r.Rows())
        {
            if (i < sq - sk) AssertEmptyRow(r, b, h, i); // p = Sk − Sq + i < 0: no key j ≥ 0 has j ≤ p
            else AssertLiveRow(r, b, h, i);
        }
    }

    [Fact]
    public void A_window_that_excludes_every_key_empties_the_row()
    {
        // SlidingWindow(5, 3): p − 5 ≤ j ≤ p + 3. With Sq = 20, Sk = 4, p = i − 16, so rows with p + 3 < 0 (i < 13) see nothing.
        var r = Check(For("window-empty", "F32.Bhsd.Window", b: 1, hq: 2, hkv: 1, sq: 20, sk: 4, d: 8));
        foreach (var (b, h, i) in r.Rows())
        {
            if (i < 13) AssertEmptyRow(r, b, h, i);
            else AssertLiveRow(r, b, h, i);
        }
    }

    [Theory]
    [InlineData("F32.Bhsd.Chunked")]
    [InlineData("BF16.Bhsd.Chunked")]
    public void A_chunk_before_the_first_key_is_empty(string kernel)
    {
        // ChunkedLocal(8) with Sq = 20, Sk = 5: p = i − 15 < 0 for i < 15, whose chunk [⌊p/8⌋·8, +8) holds no key ≥ 0.
        var r = Check(For("chunk-empty", kernel, b: 1, hq: 2, hkv: 2, sq: 20, sk: 5, d: 8));
        foreach (var (b, h, i) in r.Rows())
        {
            if (i < 15) AssertEmptyRow(r, b, h, i);
            else AssertLiveRow(r, b, h, i);
        }
    }

    [Theory]
    [InlineData("F32.Bhsd.MaskRows")]
    [InlineData("BF16.Bshd.MaskRows")]
    public void A_mask_lambda_that_rejects_a_whole_row_empties_it(string kernel)
    {
        // Mask((b, h, q, kv) => q % 4 != 3 && kv <= q + 1): every row whose position p has p % 4 == 3 sees nothing.
        var r = Check(For("mask-rows", kernel, b: 2, hq: 4, hkv: 2, sq: 12, sk: 15, d: 8));
        foreach (var (b, h, i) in r.Rows())
        {
            if ((15 - 12 + i) % 4 == 3) AssertEmptyRow(r, b, h, i);
            else AssertLiveRow(r, b, h, i);
        }
    }

    [Theory]
    [InlineData("F32.Bhsd.BiasFull")]
    [InlineData("F32.Bhsd.Everything")] // with sinks: still 0 and −∞
    [InlineData("F16.Bhsd.BiasFull")]
    [InlineData("BF16.Bshd.BiasRows")] // [B, 1, Sq, Sk]: the −∞ row is shared by every head
    public void A_row_whose_visible_scores_are_all_minus_infinity_is_empty(string kernel)
    {
        var c = For("bias-row-−∞", kernel, b: 2, hq: 4, hkv: 2, sq: 6, sk: 20, d: 8) with
        {
            Mutate = raw =>
            {
                for (int j = 0; j < raw.Case.Sk; j++) raw.Bias![raw.BiasIndex(1, 2, 3, j)] = double.NegativeInfinity;
            },
            MutateLabel = "bias[1, 2, 3, :] = −∞",
        };
        var r = Check(c);
        var broadcastHeads = r.Traits.Bias == BiasShape.BatchRows;
        foreach (var (b, h, i) in r.Rows())
        {
            if (b == 1 && i == 3 && (h == 2 || broadcastHeads)) AssertEmptyRow(r, b, h, i);
            else if (r.VisibleCount(b, h, i) > 0) AssertLiveRow(r, b, h, i);
        }
    }
}
