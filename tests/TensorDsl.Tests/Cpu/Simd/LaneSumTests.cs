using System;
using TensorDsl.Cpu.Simd;
using Xunit;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>
/// <see cref="ISimd{TV}.StoreSums4"/> (a decode's four rows of one key reduced together) gives each vector's lane sum
/// in its own slot, at every width: the transpose must not mix lanes of different vectors.
/// </summary>
public sealed class LaneSumTests
{
    public static TheoryData<string> AllWidths => Widths.All;

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Each_slot_holds_its_vectors_lane_sum(string width) => Widths.Run(width, new Sums());

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Each_slot_has_the_bits_of_Sum(string width) => Widths.Run(width, new SameBits());

    /// <summary>Random lanes, where the summation order shows in the last bits: StoreSums4 must add in Sum's order.</summary>
    private readonly struct SameBits : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            var random = new Random(7);
            var lanes = new float[4 * w];
            var result = new float[4];
            for (int trial = 0; trial < 1000; trial++)
            {
                for (int i = 0; i < lanes.Length; i++) lanes[i] = (float)(random.NextDouble() * 2 - 1) * MathF.Pow(2, random.Next(-20, 20));
                TSimd.StoreSums4(TSimd.Load(ref lanes[0]), TSimd.Load(ref lanes[w]), TSimd.Load(ref lanes[2 * w]), TSimd.Load(ref lanes[3 * w]), ref result[0]);
                for (int v = 0; v < 4; v++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(TSimd.Sum(TSimd.Load(ref lanes[v * w]))), BitConverter.SingleToInt32Bits(result[v]));
                }
            }
        }
    }

    private readonly struct Sums : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            // Powers of two per lane and per vector: every partial sum is exact, so any summation order gives the same
            // bits and a lane from the wrong vector shows up as a wrong value.
            var lanes = new float[4 * w];
            for (int v = 0; v < 4; v++)
            {
                for (int x = 0; x < w; x++) lanes[v * w + x] = MathF.Pow(2, v * 16 + x % 16) * (x < 16 ? 1 : 0.5f);
            }

            var result = new float[4];
            TSimd.StoreSums4(TSimd.Load(ref lanes[0]), TSimd.Load(ref lanes[w]), TSimd.Load(ref lanes[2 * w]), TSimd.Load(ref lanes[3 * w]), ref result[0]);
            for (int v = 0; v < 4; v++)
            {
                Assert.Equal(TSimd.Sum(TSimd.Load(ref lanes[v * w])), result[v]);
                double expected = 0;
                for (int x = 0; x < w; x++) expected += lanes[v * w + x];
                Assert.Equal(expected, result[v]);
            }
        }
    }
}
