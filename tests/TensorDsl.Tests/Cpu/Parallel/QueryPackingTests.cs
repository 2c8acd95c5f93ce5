using System;
using TensorDsl.Cpu;
using Xunit;
using static TensorDsl.Tests.Cpu.DriverHarness;

namespace TensorDsl.Tests.Cpu.Parallel;

/// <summary>
/// fp32 q is packed a column at a time, read in place (<c>AttentionJob.PackFloatQueriesByColumn</c>); Half q goes
/// through the general packing (widen each row, scale it, store it transposed). With q values that Half holds
/// exactly, both must pack the same floats, so the outputs and LSEs must agree bit for bit: odd row counts (blocks
/// that are no multiple of any vector width, GQA groups of 3), head dims of 40 and 128, the scale folded into q
/// (<see cref="ConfigSpec"/>) and not (<see cref="SoftcapSpec"/>, whose predicate hides every key of some rows),
/// and q rows holding huge values and ±∞ (so logits that overflow, ∞ and NaN).
/// </summary>
public sealed class QueryPackingTests
{
    private static readonly int[] QLens = { 5, 1, 37, 0, 19, 130 };
    private static readonly int[] KvLens = { 5, 40, 37, 3, 70, 130 };

    [Theory]
    [InlineData(40, false)]
    [InlineData(40, true)]
    [InlineData(128, false)]
    [InlineData(128, true)]
    public void Fp32_q_packed_by_column_matches_the_general_packing_bit_for_bit(int d, bool extremes)
    {
        var w = Workload.Random<Half, float>(d, QLens, KvLens, 6, 2, d, 24);
        if (extremes)
        {
            // Huge logits in one row, ±∞ in others (Half holds each exactly, so both q types carry the same values).
            for (int i = 0; i < d; i++) w.Q[2][1][4][i] = i % 2 == 0 ? 65504 : -60000;
            w.Q[4][5][0][3] = double.PositiveInfinity;
            w.Q[5][0][129][0] = double.NegativeInfinity;
        }

        Same(Varlen<ConfigSpec, float, float, float>(w, KvKind.Tokens), Varlen<ConfigSpec, Half, float, float>(w, KvKind.Tokens));
        Same(Varlen<SoftcapSpec, float, float, float>(w, KvKind.Tokens), Varlen<SoftcapSpec, Half, float, float>(w, KvKind.Tokens));
    }

    private static void Same(Result<float> fp32, Result<float> half)
    {
        Assert.Equal(half.Raw.Length, fp32.Raw.Length);
        for (int i = 0; i < half.Raw.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(half.Raw[i]) == BitConverter.SingleToInt32Bits(fp32.Raw[i]),
                $"output {i}: fp32 q {fp32.Raw[i]}, Half q {half.Raw[i]}");
        }

        for (int i = 0; i < half.Lse.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(half.Lse[i]) == BitConverter.SingleToInt32Bits(fp32.Lse[i]),
                $"LSE {i}: fp32 q {fp32.Lse[i]}, Half q {half.Lse[i]}");
        }
    }
}
