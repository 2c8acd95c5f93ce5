using System;
using System.Linq;
using static TensorDsl.Tests.Conformance.Cases;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Chosen numeric cases: extreme logits and values, NaN and ±∞ inputs, infinite sinks, and exact rules that do
/// not need the reference (one visible key returns its V row). Every case goes through the full harness; the
/// assertions here add the specific facts each case exists to show.
/// </summary>
public sealed class NumericEdgeTests
{
    // ---- Extreme logits ----------------------------------------------------------------------------------------

    public static TheoryData<string, int> HugeLogits() => new()
    {
        { "F32.Bhsd.Plain", 8 },
        { "F32.Bhsd.Causal", 64 },
        { "F32.Bhsd.Sinks", 16 },
        { "F16.Bhsd.Causal", 8 },
        { "F16.Bshd.Gemma", 16 }, // softcap 20 saturates
        { "BF16.Bhsd.Plain", 16 },
        { "BF16.Bshd.Alibi", 8 },
    };

    [Theory]
    [MemberData(nameof(HugeLogits))]
    public void Logits_around_ten_thousand_stay_finite(string kernel, int d)
    {
        // q, k uniform in ±100: |q·k|·scale reaches ~1e4 (both signs). The output must stay finite and match.
        var c = For("logits≈1e4", kernel, b: 2, hq: 4, hkv: 2, sq: 7, sk: 23, d: d) with { QScale = 100, KScale = 100 };
        var r = Check(c);
        Assert.True(r.Tolerance.MaxScore > 5e3, $"the case should reach |score| ~ 1e4, bound is {r.Tolerance.MaxScore}");
        if (r.Traits.Softcap is null)
        {
            Assert.True(r.ReferenceLse.Max(x => Math.Abs(x)) > 2e3, "some row's LSE should be in the thousands");
        }

        foreach (var (b, h, i) in r.Rows()) AssertLiveRow(r, b, h, i);
    }

    [Theory]
    [InlineData("F32.Bhsd.Plain")]
    [InlineData("BF16.Bhsd.Causal")]
    public void Values_near_the_float_maximum_do_not_overflow(string kernel)
    {
        // v ≈ 2e37–5e37 (finite in float and BFloat16), 100 keys, uniform weights: the exact output is a mean of
        // the V rows, ≤ 5e37, finite. An fp32 accumulator of unnormalised weights reaches Σ v ≈ 3e39 = +∞.
        var c = For("v≈3e37", kernel, b: 1, hq: 2, hkv: 1, sq: 2, sk: 100, d: 4) with
        {
            QScale = 1e-15,
            KScale = 1e-15,
            Mutate = raw =>
            {
                for (int n = 0; n < raw.V.Length; n++) raw.V[n] = 3.5e37 + 1.5e37 * raw.V[n];
            },
            MutateLabel = "v ≈ 3.5e37",
        };
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows()) AssertLiveRow(r, b, h, i);
    }

    [Theory]
    [InlineData("F32.Bhsd.Sinks")]
    [InlineData("F16.Bhsd.Sinks")]
    [InlineData("BF16.Bshd.Sinks")]
    public void Very_negative_logits_with_sinks_put_all_weight_on_the_sink(string kernel)
    {
        // q ≈ +100, k ≈ −100 everywhere: every score ≈ −1e4·√D, so e^(s − σ) underflows to 0 next to the sink:
        // output exactly 0 (in fp64 too) and LSE = σ_h (rounded to float).
        var c = For("all-logits≪sink", kernel, b: 1, hq: 4, hkv: 2, sq: 3, sk: 5, d: 8) with
        {
            Mutate = raw =>
            {
                for (int n = 0; n < raw.Q.Length; n++) raw.Q[n] = 100 + raw.Q[n];
                for (int n = 0; n < raw.K.Length; n++) raw.K[n] = -100 + raw.K[n];
            },
            MutateLabel = "q≈+100, k≈−100",
        };
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows())
        {
            if (r.VisibleCount(b, h, i) == 0) continue;
            Assert.Equal((float)r.Raw.Sinks[h], (float)r.RunLse[r.LseIndex(b, h, i)]);
            Assert.All(r.RunRow(b, h, i), x => Assert.Equal(0.0, x));
        }
    }

    [Theory]
    [InlineData("F32.Bhsd.Causal")]
    [InlineData("F32.Bshd.Plain")]
    [InlineData("F16.Bhsd.Plain")] // 1e-15 underflows to 0 in Half: the scores are exactly 0 then
    [InlineData("BF16.Bhsd.Window")]
    public void Tiny_logits_give_uniform_weights(string kernel)
    {
        // q, k ~ 1e-15: scores ~ 1e-30 (still normal floats). Softmax is uniform over the visible keys, so
        // LSE = ln(count) up to ~1e-30, and the output is the mean of the visible V rows (checked by the harness).
        var c = For("logits≈1e-30", kernel, b: 2, hq: 4, hkv: 2, sq: 9, sk: 13, d: 16) with { QScale = 1e-15, KScale = 1e-15 };
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows())
        {
            int count = r.VisibleCount(b, h, i);
            if (count == 0) continue;
            Assert.Equal((float)Math.Log(count), (float)r.RunLse[r.LseIndex(b, h, i)], 1e-6f);
        }
    }

    // ---- NaN and ±∞ inputs -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("F32.Bhsd.Plain")]
    [InlineData("F32.Bhsd.Everything")]
    [InlineData("F16.Bshd.WindowCausal")]
    [InlineData("BF16.Bhsd.GptOss")]
    [InlineData("BF16.Bshd.Softcap")]
    public void NaN_in_one_query_element_poisons_that_row_only(string kernel)
    {
        var c = For("q-NaN", kernel, b: 2, hq: 8, hkv: 2, sq: 6, sk: 10, d: 16) with
        {
            Mutate = raw => raw.Q[raw.QIndex(1, 5, 4, 3)] = double.NaN,
            MutateLabel = "q[1, 5, 4, 3] = NaN",
        };
        var r = Check(c);
        Assert.True(r.VisibleCount(1, 5, 4) > 0, "test bug: the poisoned row must see a key");
        foreach (var (b, h, i) in r.Rows())
        {
            if ((b, h, i) == (1, 5, 4)) AssertNaNRow(r, b, h, i);
            else if (r.VisibleCount(b, h, i) > 0) AssertLiveRow(r, b, h, i);
            else AssertEmptyRow(r, b, h, i);
        }
    }

    [Fact]
    public void NaN_in_a_row_with_no_visible_key_does_not_matter()
    {
        // Causal with Sk < Sq: row 0 sees nothing, so its NaN query is never used: 0 and −∞, not NaN.
        var c = For("q-NaN-masked", "F32.Bhsd.Causal", b: 1, hq: 2, hkv: 1, sq: 6, sk: 3, d: 8) with
        {
            Mutate = raw => raw.Q[raw.QIndex(0, 1, 0, 2)] = double.NaN,
            MutateLabel = "q[0, 1, 0, 2] = NaN",
        };
        var r = Check(c);
        AssertEmptyRow(r, 0, 1, 0);
    }

    [Fact]
    public void Positive_infinity_in_a_full_bias_makes_its_row_NaN()
    {
        // s = +∞ is the row max, and IEEE gives e^(∞ − ∞) = NaN: the row is NaN in both engines; nothing else changes.
        var c = For("bias+∞", "F32.Bhsd.BiasFull", b: 2, hq: 4, hkv: 2, sq: 5, sk: 7, d: 8) with
        {
            Mutate = raw => raw.Bias![raw.BiasIndex(0, 1, 2, 3)] = double.PositiveInfinity,
            MutateLabel = "bias[0, 1, 2, 3] = +∞",
        };
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows())
        {
            if ((b, h, i) == (0, 1, 2)) AssertNaNRow(r, b, h, i);
            else AssertLiveRow(r, b, h, i);
        }
    }

    [Theory]
    [InlineData("F16.Bshd.BiasHeadKey")]
    [InlineData("BF16.Bhsd.BiasHeadKey")]
    public void Positive_infinity_in_a_broadcast_bias_reaches_exactly_the_rows_that_see_it(string kernel)
    {
        // Bias [1, Hq, 1, Sk] + Causal: +∞ at (h = 1, j = 5) reaches rows of head 1 with p = i ≥ 5 (Sq = Sk);
        // earlier rows mask key 5 out and stay finite.
        var c = For("bias+∞-broadcast", kernel, b: 2, hq: 4, hkv: 2, sq: 8, sk: 8, d: 8) with
        {
            Mutate = raw => raw.Bias![raw.BiasIndex(0, 1, 0, 5)] = double.PositiveInfinity,
            MutateLabel = "bias[0, 1, 0, 5] = +∞",
        };
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows())
        {
            if (h == 1 && i >= 5) AssertNaNRow(r, b, h, i);
            else AssertLiveRow(r, b, h, i);
        }
    }

    [Fact]
    public void Negative_infinity_in_some_bias_entries_just_hides_those_keys()
    {
        var c = For("bias−∞-sparse", "F32.Bhsd.BiasFull", b: 2, hq: 4, hkv: 2, sq: 9, sk: 17, d: 16) with { BiasNegInfFraction = 0.5 };
        var r = Check(c);
        Assert.Contains(r.Rows(), row => double.IsFinite(r.RunLse[r.LseIndex(row.B, row.H, row.I)]));
    }

    [Fact]
    public void Infinite_value_rows_behind_negative_infinity_scores_add_nothing()
    {
        // A −∞ bias weighs key 3 exactly 0 in every row, and its value row is +∞ (K and V share one layout and
        // size here, so KIndex addresses v). Both engines leave the key out (docs/semantics.md §8, §10): every row
        // stays finite; computing 0 · ∞ would have made all of them NaN.
        var c = For("v∞-behind-bias−∞", "F32.Bhsd.BiasFull", b: 1, hq: 2, hkv: 1, sq: 4, sk: 40, d: 16) with
        {
            Mutate = raw =>
            {
                for (int i = 0; i < 4; i++)
                for (int h = 0; h < 2; h++)
                    raw.Bias![raw.BiasIndex(0, h, i, 3)] = double.NegativeInfinity;
                for (int d = 0; d < 16; d++) raw.V[raw.KIndex(0, 0, 3, d)] = double.PositiveInfinity;
            },
            MutateLabel = "bias[·, ·, ·, 3] = −∞, v[0, 0, 3, ·] = +∞",
        };
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows())
        {
            AssertLiveRow(r, b, h, i);
        }
    }

    // ---- Exact rules independent of the reference ------------------------------------------------------------

    [Theory]
    [InlineData("F32.Bhsd.Diagonal")]
    [InlineData("F16.Bshd.Diagonal")]
    [InlineData("BF16.Bhsd.Diagonal")]
    public void One_visible_key_returns_its_value_row_exactly(string kernel)
    {
        // ChunkedLocal(1): row i sees only key p = Sk − Sq + i, so its weight is exactly 1: the output is the V row
        // of KV head h / G (docs/semantics.md#gqa) bit for bit, and LSE is that one score, (float)(1/√D) · q·k.
        const int sq = 5, sk = 8, hq = 8, hkv = 2, d = 16;
        var r = Check(For("diagonal", kernel, b: 2, hq: hq, hkv: hkv, sq: sq, sk: sk, d: d, seed: 3));
        var raw = r.Raw;
        float scale = (float)(1.0 / Math.Sqrt(d));
        foreach (var (b, h, i) in r.Rows())
        {
            int p = sk - sq + i, kvh = h / (hq / hkv);
            var expected = Enumerable.Range(0, d).Select(x => raw.V[raw.KIndex(b, kvh, p, x)]).ToArray();
            Assert.Equal(expected, r.RunRow(b, h, i));
            Assert.Equal(expected, r.ReferenceRow(b, h, i));
            double score = scale * Enumerable.Range(0, d).Sum(x => raw.Q[raw.QIndex(b, h, i, x)] * raw.K[raw.KIndex(b, kvh, p, x)]);
            Assert.True(Math.Abs(r.RunLse[r.LseIndex(b, h, i)] - score) <= r.Tolerance.LseAtol + 1e-6 * Math.Abs(score),
                $"row [{b}, {h}, {i}]: LSE {r.RunLse[r.LseIndex(b, h, i)]} should be the single score {score}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Const_query_heads_with_run_time_kv_heads(int hkv) =>
        Check(For("constHq", "F32.Bhsd.ConstHq8RuntimeHkv", b: 2, hq: 8, hkv: hkv, sq: 6, sk: 11, d: 32, seed: hkv));

    [Theory]
    [InlineData("F32.Bhsd.Sinks")]
    [InlineData("F16.Bhsd.Sinks")]
    [InlineData("BF16.Bhsd.GptOss")]
    public void Infinite_sinks_follow_IEEE(string kernel)
    {
        // σ = −∞ is no sink at all; σ = +∞ makes every live row of that head e^(∞ − ∞) = NaN; empty rows stay 0 / −∞.
        var c = For("sinks±∞", kernel, b: 1, hq: 4, hkv: 2, sq: 7, sk: 5, d: 8) with
        {
            Mutate = raw =>
            {
                raw.Sinks[0] = double.NegativeInfinity;
                raw.Sinks[1] = double.PositiveInfinity;
            },
            MutateLabel = "sinks[0] = −∞, sinks[1] = +∞",
        };
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows())
        {
            if (r.VisibleCount(b, h, i) == 0) AssertEmptyRow(r, b, h, i);
            else if (h == 1) AssertNaNRow(r, b, h, i);
            else AssertLiveRow(r, b, h, i);
        }
    }
}
