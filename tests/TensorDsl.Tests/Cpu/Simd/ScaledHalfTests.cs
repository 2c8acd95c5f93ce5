using System;
using System.Runtime.CompilerServices;
using TensorDsl.Cpu.Simd;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>
/// A decode's finite fp16 tiles are read as <see cref="ScaledHalf"/> (value · 2^-112, no rebiasing multiply) while the
/// other operand of each product — q rows, or a tile's weights — is multiplied by 2^112 instead. The products are the
/// same real numbers, so the tile kernels must give exactly the bits they give on <see cref="FiniteHalf"/> with the
/// operands unscaled: checked here at every width on random finite halves of every exponent (subnormals, zeros and
/// ±65504 included), q rows from 2^-30 to 2^15 and weights from 0 and fp32 subnormals to 1.
/// </summary>
public sealed class ScaledHalfTests
{
    public static TheoryData<string> AllWidths => Widths.All;

    /// <summary>Random finite half bit patterns (every exponent but all ones, either sign), some exactly ±0 and ±65504.</summary>
    private static ushort[] FiniteHalves(Random random, int n)
    {
        var bits = new ushort[n];
        for (int i = 0; i < n; i++)
        {
            ushort b;
            do b = (ushort)random.Next(65536); while ((b & 0x7C00) == 0x7C00);
            bits[i] = (i % 17) switch { 3 => (ushort)(b & 0x8000), 5 => (ushort)((b & 0x8000) | 0x7BFF), _ => b };
        }

        return bits;
    }

    /// <summary>A float of random sign with a magnitude of 2^e, e uniform in [<paramref name="lo"/>, <paramref name="hi"/>], times [1, 2).</summary>
    private static float Spread(Random random, int lo, int hi) =>
        (random.Next(2) == 0 ? 1 : -1) * (float)Math.ScaleB(1 + random.NextDouble(), random.Next(lo, hi + 1));

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Scores_on_the_scaled_form_with_scaled_queries_have_the_finite_forms_bits(string width) => Widths.Run(width, new Scores());

    private readonly struct Scores : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            foreach (int rows in new[] { 1, 2, 3, 4, 5, 8 })
            foreach (int depth in new[] { 16, 33, 64, 128 })
            foreach (int count in new[] { 1, 5, 13 })
            {
                var random = new Random(rows * 10_000 + depth * 100 + count);
                int stride = depth + 3;
                var keys = FiniteHalves(random, count * stride + 64);
                var offsets = new int[count];
                for (int j = 0; j < count; j++) offsets[j] = (count - 1 - j) * stride + j % 3;
                var q = new float[rows * depth];
                for (int i = 0; i < q.Length; i++) q[i] = Spread(random, -30, 14);
                var scaledQ = Array.ConvertAll(q, x => x * FiniteHalf.Rebias);
                int lanes = rows;
                var expected = new float[count * lanes];
                var actual = new float[count * lanes];

                TileKernels<TSimd, TV>.ScoresByDot(
                    ref q[0], rows, lanes, lanes, depth, ref Unsafe.As<ushort, FiniteHalf>(ref keys[0]), offsets, count, ref expected[0]);
                TileKernels<TSimd, TV>.ScoresByDot(
                    ref scaledQ[0], rows, lanes, lanes, depth, ref Unsafe.As<ushort, ScaledHalf>(ref keys[0]), offsets, count, ref actual[0]);

                for (int i = 0; i < expected.Length; i++)
                {
                    if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                    {
                        Assert.Fail($"w={TSimd.Count} rows={rows} depth={depth} keys={count}: score {i} is {actual[i]:E9} on the scaled form, {expected[i]:E9} on the finite form");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Values_on_the_scaled_form_with_scaled_weights_have_the_finite_forms_bits(string width) => Widths.Run(width, new Values());

    private readonly struct Values : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            foreach (int rows in new[] { 1, 2, 3, 4, 5, 8, 12 })
            foreach (int widthVectors in new[] { 1, 2, 4, 8 })
            foreach (int count in new[] { 1, 5, 16 })
            {
                int width = widthVectors * w;
                var random = new Random(rows * 10_000 + widthVectors * 100 + count);
                var values = FiniteHalves(random, count * width + 64);
                var offsets = new int[count];
                for (int j = 0; j < count; j++) offsets[j] = ((j * 7) % count) * width;
                var p = new float[count * rows];
                for (int i = 0; i < p.Length; i++)
                {
                    p[i] = (i % 11) switch { 0 => 0f, 4 => 1f, 7 => Math.Abs(Spread(random, -149, -127)), _ => Math.Abs(Spread(random, -40, -1)) };
                }

                var scaledP = Array.ConvertAll(p, x => x * FiniteHalf.Rebias);
                var carry = new float[rows];
                var start = new float[rows * width];
                for (int r = 0; r < rows; r++) carry[r] = r % 3 == 0 ? 1f : (float)random.NextDouble();
                for (int i = 0; i < start.Length; i++) start[i] = Spread(random, -20, 10);
                var expected = (float[])start.Clone();
                var actual = (float[])start.Clone();

                TileKernels<TSimd, TV>.Values(
                    ref p[0], rows, rows, ref Unsafe.As<ushort, FiniteHalf>(ref values[0]), offsets, count, ref expected[0], width, ref carry[0]);
                TileKernels<TSimd, TV>.Values(
                    ref scaledP[0], rows, rows, ref Unsafe.As<ushort, ScaledHalf>(ref values[0]), offsets, count, ref actual[0], width, ref carry[0]);

                for (int i = 0; i < expected.Length; i++)
                {
                    if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                    {
                        Assert.Fail($"w={w} rows={rows} width={width} keys={count}: output {i} is {actual[i]:E9} on the scaled form, {expected[i]:E9} on the finite form");
                    }
                }
            }
        }
    }
}
