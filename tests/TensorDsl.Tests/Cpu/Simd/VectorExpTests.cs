using System;
using System.Globalization;
using TensorDsl.Cpu.Simd;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>
/// <see cref="VectorMath{TSimd, TV}.Exp"/> at every width against <see cref="Math.Exp(double)"/>: the softmax's only
/// exponential, so its accuracy is the accuracy of every weight. Its contract: relative error within about 2 ulp over
/// <c>[−87.3, 0]</c> (checked at ≤ 3e-7, i.e. 2.5 ulp of a value in [1, 2)), exactly 0 below the smallest normal float's
/// exponent and for −∞, NaN for NaN, exactly 1 at 0 — lane by lane, whatever the other lanes hold.
/// </summary>
public sealed class VectorExpTests
{
    private const double MaxRelativeError = 3e-7;

    public static TheoryData<string> AllWidths => Widths.All;

    /// <summary>Runs the vector exp over <paramref name="x"/> (padded with 0 to whole vectors).</summary>
    private static float[] Exp<TSimd, TV>(float[] x)
        where TSimd : struct, ISimd<TV>
        where TV : struct
    {
        int w = TSimd.Count;
        var input = new float[(x.Length + w - 1) / w * w];
        x.CopyTo(input, 0);
        var output = new float[input.Length];
        for (int i = 0; i < input.Length; i += w)
        {
            TSimd.Store(VectorMath<TSimd, TV>.Exp(TSimd.Load(ref input[i])), ref output[i]);
        }

        return output.AsSpan(0, x.Length).ToArray();
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Relative_error_is_within_two_ulps_over_the_softmax_range(string width) => Widths.Run(width, new Accuracy());

    private readonly struct Accuracy : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            // A dense grid over [−87.3, 0] (steps of ~4e-4, so every range-reduction interval of ln2 is hit ~1700 times),
            // uniform random points, and the neighbourhoods of the ends and of the reduction boundaries (n·ln2 ± ln2/2).
            const int grid = 200_000;
            var random = new Random(1234);
            var x = new float[grid + 1 + 100_000 + 126 * 64 + 2 * 4096];
            int n = 0;
            for (int i = 0; i <= grid; i++) x[n++] = (float)(-87.3 * i / grid);
            for (int i = 0; i < 100_000; i++) x[n++] = (float)(-87.3 * random.NextDouble());
            for (int k = 0; k < 126; k++)
            {
                float boundary = (float)(-(k + 0.5) * Math.Log(2));
                float y = boundary;
                for (int i = 0; i < 32; i++) y = MathF.BitIncrement(y);
                for (int i = 0; i < 64; i++, y = MathF.BitDecrement(y)) x[n++] = Math.Max(y, -87.3f);
            }

            float low = -87.3f, high = -0f;
            for (int i = 0; i < 4096; i++, low = MathF.BitIncrement(low), high = MathF.BitDecrement(high))
            {
                x[n++] = low;
                x[n++] = high;
            }

            var y2 = Exp<TSimd, TV>(x);
            double worst = 0;
            int worstAt = -1;
            for (int i = 0; i < x.Length; i++)
            {
                double exact = Math.Exp(x[i]);
                double error = Math.Abs(y2[i] - exact) / exact;
                if (!(error <= worst)) // NaN counts as worst
                {
                    worst = double.IsNaN(error) ? double.PositiveInfinity : error;
                    worstAt = i;
                }
            }

            Assert.True(worst <= MaxRelativeError, string.Create(CultureInfo.InvariantCulture,
                $"w={TSimd.Count}: exp({x[worstAt]:R}) = {y2[worstAt]:R}, exact {Math.Exp(x[worstAt]):R}, relative error {worst:G3} > {MaxRelativeError:G3}"));
        }
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Special_values(string width) => Widths.Run(width, new Specials());

    private readonly struct Specials : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            // Below the normal range: exactly 0 (not a subnormal, not garbage from an out-of-range 2^n).
            var below = new[]
            {
                -87.34f, -87.5f, -88f, -88.8f, -89.5f, -100f, -103.97f, -104f, -110f, -126f * MathF.Log(2) - 1f, -150f, -1e4f,
                -1e30f, float.MinValue, float.NegativeInfinity,
            };
            var result = Exp<TSimd, TV>(below);
            for (int i = 0; i < below.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(result[i]) == 0, $"w={w}: exp({below[i]}) = {result[i]:R}, expected exactly +0");
            }

            var ones = Exp<TSimd, TV>(new[] { 0f, -0f, -1e-45f, -1e-30f, -float.Epsilon });
            Assert.All(ones, y => Assert.Equal(1f, y));

            Assert.True(float.IsNaN(Exp<TSimd, TV>(new[] { float.NaN })[0]), $"w={w}: exp(NaN) should be NaN");
            Assert.True(float.IsNaN(Exp<TSimd, TV>(new[] { -float.NaN })[0]), $"w={w}: exp(−NaN) should be NaN");

            // Between −87.33 and −87.3 (the flush threshold's neighbourhood): either exactly 0 or accurate.
            for (float x = -87.33f; x < -87.3f; x = MathF.BitIncrement(x))
            {
                float y = Exp<TSimd, TV>(new[] { x })[0];
                double exact = Math.Exp(x);
                Assert.True(y == 0f || Math.Abs(y - exact) / exact <= MaxRelativeError, $"w={w}: exp({x:R}) = {y:R}, exact {exact:R}");
            }
        }
    }

    /// <summary>Each lane on its own: NaN, −∞ and 0 next to ordinary values change nothing in the other lanes.</summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Lanes_are_independent(string width) => Widths.Run(width, new Lanes());

    private readonly struct Lanes : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            var specials = new[] { float.NaN, float.NegativeInfinity, 0f, -200f, -87.3f, -1.5f, -40f };
            var x = new float[TSimd.Count * 7 * specials.Length];
            var random = new Random(7);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = i % 5 == 0 ? specials[(i / 5) % specials.Length] : (float)(-80 * random.NextDouble());
            }

            var y = Exp<TSimd, TV>(x);
            for (int i = 0; i < x.Length; i++)
            {
                string at = $"w={TSimd.Count} lane {i}: exp({x[i]:R}) = {y[i]:R}";
                if (float.IsNaN(x[i])) Assert.True(float.IsNaN(y[i]), at);
                else if (x[i] < -87.33f) Assert.True(y[i] == 0f, at);
                else Assert.True(Math.Abs(y[i] - Math.Exp(x[i])) / Math.Exp(x[i]) <= MaxRelativeError, at);
            }
        }
    }
}
