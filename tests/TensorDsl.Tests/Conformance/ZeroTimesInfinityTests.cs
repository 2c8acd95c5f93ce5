using System;
using System.Linq;
using TensorDsl.Cpu.Parallel;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// docs/semantics.md §10 allows NaN in an output only from a NaN or +∞ score, or from ±∞ value rows meeting (∞ − ∞). In
/// each case here the only non-finite input is one +∞ value row, of a visible key of positive weight whose score lies
/// 200 or more below another logit (a later key's score, another split piece's maximum, or the sink): the exact output is
/// +∞ (the reference engine's answer), and an fp32 engine may round the tiny weight to 0 and return a finite mean — but
/// NaN is neither. Each case scales a state that already holds +∞ by a factor that is 0 in fp32, the spot where 0·∞
/// would appear; the design rule "a key of weight exactly 0 never multiplies a non-finite value row" has to hold for
/// such states too.
/// </summary>
public sealed class ZeroTimesInfinityTests
{
    /// <summary>
    /// One row (B 1, Hq = Hkv = 1, D 1, scale 1/√1 = 1) of the F32.Bhsd.Sinks kernel (causal, sink σ): q = 1; keys 0–255
    /// score <paramref name="lowScore"/>, the others 0; v = 1 except +∞ at key 10.
    /// </summary>
    private static void AssertNotNaN(int sk, float lowScore, float sink, string label)
    {
        var q = new[] { 1f };
        var k = Enumerable.Range(0, sk).Select(j => j < 256 ? lowScore : 0f).ToArray();
        var v = Enumerable.Range(0, sk).Select(j => j == 10 ? float.PositiveInfinity : 1f).ToArray();
        var output = new float[1];
        var lse = new float[1];
        Kernels.F32BhsdSinks.Run(q, k, v, new[] { sink }, output, B: 1, Hq: 1, Sq: 1, D: 1, Hkv: 1, Sk: sk, lse: lse);
        Assert.False(float.IsNaN(output[0]), $"{label}: output NaN with no NaN input, no +∞ score and no −∞ value (exact: +∞)");

        // LSE = ln(Σ_j e^s_j + e^σ), finite whatever the engine does with the +∞ value.
        double exact = Math.Log(Enumerable.Range(0, sk).Sum(j => Math.Exp(k[j])) + Math.Exp(sink));
        Assert.True(Math.Abs(lse[0] - exact) <= 1e-5 * Math.Abs(exact), $"{label}: LSE {lse[0]}, exact {exact}");
    }

    [Fact]
    public void The_cases_take_the_paths_they_name()
    {
        // 480 keys (one block, 15 tiles) do not split; 1024 keys of one block do, into four pieces of 256.
        Assert.True(480 < 2 * WorkPlan.MinPieceKeys);
        Assert.True(1024 / 4 == WorkPlan.MinPieceKeys && 1 < WorkPlan.SplitTarget);

        // The finite control: the same rows with v[10] = 1 instead of +∞ are 1 everywhere.
        var k = Enumerable.Range(0, 1024).Select(j => j < 256 ? -200f : 0f).ToArray();
        var v = Enumerable.Repeat(1f, 1024).ToArray();
        foreach (int sk in new[] { 480, 1024 })
        {
            var output = new float[1];
            Kernels.F32BhsdSinks.Run(new[] { 1f }, k.AsSpan(0, sk), v.AsSpan(0, sk), new[] { float.NegativeInfinity }, output, B: 1, Hq: 1, Sq: 1, D: 1, Hkv: 1, Sk: sk);
            Assert.Equal(1f, output[0], 5);
        }
    }

    [Fact]
    public void A_later_tile_that_raises_the_maximum_does_not_turn_an_infinite_accumulator_into_NaN() =>
        AssertNotNaN(sk: 480, lowScore: -200, sink: float.NegativeInfinity, "one block, no split: keys 256–479 raise the maximum from −200 to 0");

    [Fact]
    public void A_split_piece_of_zero_merge_weight_holding_an_infinite_value_does_not_make_the_row_NaN() =>
        AssertNotNaN(sk: 1024, lowScore: -200, sink: float.NegativeInfinity, "split into 4 pieces: piece 0 alone holds the −200 scores and the +∞");

    [Fact]
    public void A_sink_far_above_every_score_does_not_turn_an_infinite_mean_into_NaN() =>
        AssertNotNaN(sk: 100, lowScore: 0, sink: 300, "sink 300 over scores 0");
}
