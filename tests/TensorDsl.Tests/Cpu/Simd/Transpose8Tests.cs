using System;
using System.Linq;
using TensorDsl.Cpu.Simd;
using Xunit;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>
/// <see cref="Transpose8.Rows"/> against its definition, <c>destination[d · stride + i] = row_i[d] · scale</c>,
/// element by element and bit for bit: depths below, at and past the 8 × 8 blocks (1, 7, 8, 13, 40, 128, 131),
/// rows at scattered offsets, strides wider than eight lanes, scale 1 (copied as is: a signalling NaN keeps its bits)
/// and others, and values that are NaN, ±∞, subnormal or huge. Every element the call must not write holds a
/// sentinel that must survive. The test runs on whatever path the process has (CI runs the suite with AVX-512, AVX2,
/// AVX only and no intrinsics at all), so the shuffled and the scalar forms are both held to the same definition.
/// </summary>
public sealed class Transpose8Tests
{
    private const float Sentinel = -7777.25f;

    [Theory]
    [InlineData(1, 1f)]
    [InlineData(7, 0.125f)]
    [InlineData(8, 1f)]
    [InlineData(13, 0.3f)]
    [InlineData(40, 0.08838835f)]
    [InlineData(128, 1f)]
    [InlineData(128, 0.08838835f)]
    [InlineData(131, -2.5f)]
    public void Stores_each_row_as_a_column_times_the_scale_bit_for_bit(int depth, float scale)
    {
        var random = new Random(depth * 17 + (int)(scale * 1000));
        var source = new float[8 * (depth + 9) + 11];
        for (int i = 0; i < source.Length; i++) source[i] = (float)(random.NextDouble() * 4 - 2);
        float signallingNaN = BitConverter.Int32BitsToSingle(0x7F800001);
        float[] specials = [float.NaN, signallingNaN, float.PositiveInfinity, float.NegativeInfinity, 1e-40f, -3e38f, 0f, -0f];
        for (int i = 0; i < specials.Length; i++) source[random.Next(source.Length)] = specials[i];

        // Rows in shuffled order at offsets that are no multiple of anything.
        var order = Enumerable.Range(0, 8).ToArray();
        random.Shuffle(order);
        int[] offsets = order.Select(x => 3 + x * (depth + 9)).ToArray();
        const int stride = 24; // the block's lanes: wider than the eight written
        const int first = 5;   // the eight lanes start mid-row, as a group of a block does
        var destination = Enumerable.Repeat(Sentinel, depth * stride + 3).ToArray();

        Transpose8.Rows(ref source[0], ref offsets[0], depth, ref destination[first], stride, scale);

        for (int at = 0; at < destination.Length; at++)
        {
            int d = (at - first) / stride, i = (at - first) % stride;
            bool written = at >= first && d < depth && i < 8;
            if (!written)
            {
                Assert.True(IsSentinel(destination[at]), $"depth {depth}: element {at} was written");
                continue;
            }

            float value = source[offsets[i] + d];
            float expected = scale != 1f ? value * scale : value;
            Assert.True(
                BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(destination[at]),
                $"depth {depth}, scale {scale}: row {i}, d {d} is {destination[at]:R} (bits {BitConverter.SingleToInt32Bits(destination[at]):X8}), expected {expected:R} (bits {BitConverter.SingleToInt32Bits(expected):X8})");
        }
    }

    private static bool IsSentinel(float x) => BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(Sentinel);
}
