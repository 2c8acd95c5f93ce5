using System;
using TensorDsl.Cpu.Simd;
using Xunit;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>
/// The two primitives the softmax's exp and its zero-weight test rest on, at every width:
/// <see cref="ISimd{TV}.ScaleByPow2"/> (AVX-512's <c>vscalefps</c>, elsewhere a multiply by 2^n built in the exponent
/// bits) must give the bits of <c>value · 2^n</c> computed here in fp64 and rounded once, for every n in [−126, 0] and
/// values whose products are normal, subnormal or 0; and <see cref="ISimd{TV}.Min"/> must yield its right operand
/// where either lane is NaN, the rule that keeps a zero weight from being lost behind a NaN one.
/// </summary>
public sealed class ScaleAndMinTests
{
    public static TheoryData<string> AllWidths => Widths.All;

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Scale_by_a_power_of_two_rounds_once_like_the_product(string width) => Widths.Run(width, new Scale());

    private readonly struct Scale : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            var random = new Random(5);
            float[] values = [1f, 0.70710677f, 1.4142135f, 1.9999999f, 0.5f, 1.2345678f, 0f, 0.99999994f];
            var lane = new float[w];
            var exponent = new float[w];
            var result = new float[w];
            for (int n = -126; n <= 0; n++)
            foreach (float fixedValue in values)
            {
                for (int i = 0; i < w; i++)
                {
                    lane[i] = i == 0 ? fixedValue : (float)(0.5 + random.NextDouble() * 1.5);
                    exponent[i] = n;
                }

                TSimd.Store(TSimd.ScaleByPow2(TSimd.Load(ref lane[0]), TSimd.Load(ref exponent[0])), ref result[0]);
                for (int i = 0; i < w; i++)
                {
                    float expected = (float)(lane[i] * Math.Pow(2, n)); // exact in fp64, then one rounding
                    Assert.True(
                        BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(result[i]),
                        $"w={w}: {lane[i]:R} · 2^{n} = {result[i]:R}, expected {expected:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Min_yields_the_right_operand_where_a_lane_is_NaN(string width) => Widths.Run(width, new MinRule());

    private readonly struct MinRule : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            (float Left, float Right, float Expected)[] cases =
            [
                (0.5f, 0.25f, 0.25f), (0.25f, 0.5f, 0.25f), (0f, 1f, 0f), (1f, 0f, 0f),
                (float.NaN, 0f, 0f), (float.NaN, 1f, 1f), (0f, float.NaN, float.NaN),
            ];
            var left = new float[w];
            var right = new float[w];
            var result = new float[w];
            foreach (var c in cases)
            {
                Array.Fill(left, c.Left);
                Array.Fill(right, c.Right);
                TSimd.Store(TSimd.Min(TSimd.Load(ref left[0]), TSimd.Load(ref right[0])), ref result[0]);
                for (int i = 0; i < w; i++)
                {
                    bool same = float.IsNaN(c.Expected) ? float.IsNaN(result[i]) : result[i] == c.Expected;
                    Assert.True(same, $"w={w}: Min({c.Left}, {c.Right}) = {result[i]}, expected {c.Expected}");
                }
            }
        }
    }
}
