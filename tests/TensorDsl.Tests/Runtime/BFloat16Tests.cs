using System;
using System.Globalization;
using System.Linq;

namespace TensorDsl.Tests.Runtime;

/// <summary>
/// <see cref="BFloat16"/>: exact widening, round-to-nearest-even narrowing from float and (singly rounded) from
/// double, NaN handling, IEEE comparisons and the Equals/GetHashCode contract. Every expected value comes from the
/// format's definition (1 sign, 8 exponent, 7 mantissa bits; the top half of a binary32) or from an independent
/// reference rounding written here with double arithmetic, never from the type under test.
/// </summary>
public sealed class BFloat16Tests
{
    private const int AllPatterns = 0x10000;

    // ---- The format, from its definition -----------------------------------------------------------------

    private static bool IsNaNPattern(int bits) => (bits & 0x7F80) == 0x7F80 && (bits & 0x007F) != 0;

    /// <summary>The exact value of a bf16 bit pattern, computed from sign, exponent and mantissa (not by widening).</summary>
    private static double ValueOf(int bits)
    {
        int sign = (bits & 0x8000) != 0 ? -1 : 1;
        int exponent = (bits >> 7) & 0xFF;
        int mantissa = bits & 0x7F;
        if (exponent == 0xFF)
        {
            return mantissa == 0 ? sign * double.PositiveInfinity : double.NaN;
        }

        return exponent == 0
            ? sign * mantissa * Math.Pow(2, -133)                         // subnormal: 0.m · 2^-126
            : sign * (128 + mantissa) * Math.Pow(2, exponent - 127 - 7);  // normal: 1.m · 2^(e-127)
    }

    private static ushort Bits(float value) => ((BFloat16)value).RawValue;

    private static ushort Bits(double value) => ((BFloat16)value).RawValue;

    private static float FloatFromBits(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    // ---- Widening and round trips ------------------------------------------------------------------------

    [Fact]
    public void Widening_every_pattern_gives_the_float_whose_high_half_it_is()
    {
        for (int bits = 0; bits < AllPatterns; bits++)
        {
            float widened = (float)BFloat16.FromRaw((ushort)bits);
            Assert.Equal((uint)bits << 16, BitConverter.SingleToUInt32Bits(widened));
            if (!IsNaNPattern(bits))
            {
                Assert.Equal(ValueOf(bits), (double)widened);
                Assert.Equal(ValueOf(bits), (double)BFloat16.FromRaw((ushort)bits));
            }
        }
    }

    [Fact]
    public void Float_round_trip_is_the_identity_on_every_pattern_and_NaNs_stay_NaN()
    {
        for (int bits = 0; bits < AllPatterns; bits++)
        {
            var original = BFloat16.FromRaw((ushort)bits);
            var back = (BFloat16)(float)original;
            if (IsNaNPattern(bits))
            {
                Assert.True(BFloat16.IsNaN(back), $"0x{bits:X4} -> 0x{back.RawValue:X4}");
                // Sign and payload are kept; the quiet bit is forced.
                Assert.Equal(bits | 0x0040, back.RawValue);
            }
            else
            {
                Assert.Equal(bits, back.RawValue);
            }
        }
    }

    [Fact]
    public void Double_round_trip_is_the_identity_on_every_pattern_and_NaNs_stay_NaN()
    {
        for (int bits = 0; bits < AllPatterns; bits++)
        {
            var back = (BFloat16)(double)BFloat16.FromRaw((ushort)bits);
            if (IsNaNPattern(bits))
            {
                Assert.True(BFloat16.IsNaN(back), $"0x{bits:X4} -> 0x{back.RawValue:X4}");
            }
            else
            {
                Assert.Equal(bits, back.RawValue);
            }
        }
    }

    [Fact]
    public void Constants_have_their_documented_values()
    {
        Assert.Equal(0.0, (double)BFloat16.Zero);
        Assert.False(BFloat16.IsNegative(BFloat16.Zero));
        Assert.Equal(1.0, (double)BFloat16.One);
        Assert.Equal(Math.Pow(2, -133), (double)BFloat16.Epsilon);
        Assert.Equal((2 - Math.Pow(2, -7)) * Math.Pow(2, 127), (double)BFloat16.MaxValue);
        Assert.Equal(-(2 - Math.Pow(2, -7)) * Math.Pow(2, 127), (double)BFloat16.MinValue);
        Assert.Equal(double.PositiveInfinity, (double)BFloat16.PositiveInfinity);
        Assert.Equal(double.NegativeInfinity, (double)BFloat16.NegativeInfinity);
        Assert.True(double.IsNaN((double)BFloat16.NaN));
        Assert.True(BFloat16.IsNaN(BFloat16.NaN));
    }

    [Fact]
    public void Classification_matches_the_bit_fields_for_every_pattern()
    {
        for (int bits = 0; bits < AllPatterns; bits++)
        {
            var x = BFloat16.FromRaw((ushort)bits);
            bool allOnes = (bits & 0x7F80) == 0x7F80;
            bool mantissa = (bits & 0x7F) != 0;
            bool negative = (bits & 0x8000) != 0;
            Assert.Equal(allOnes && mantissa, BFloat16.IsNaN(x));
            Assert.Equal(allOnes && !mantissa, BFloat16.IsInfinity(x));
            Assert.Equal(allOnes && !mantissa && !negative, BFloat16.IsPositiveInfinity(x));
            Assert.Equal(allOnes && !mantissa && negative, BFloat16.IsNegativeInfinity(x));
            Assert.Equal(!allOnes, BFloat16.IsFinite(x));
            Assert.Equal(negative, BFloat16.IsNegative(x));
        }
    }

    // ---- float -> bf16: chosen cases ------------------------------------------------------------------------

    [Theory]
    // Exact values.
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.0f, 0xC000)]
    [InlineData(0.0f, 0x0000)]
    [InlineData(-0.0f, 0x8000)]
    // Ties (exactly half a bf16 ulp = 2^-8 above a bf16 value at 1.0): to the even mantissa.
    [InlineData(1.00390625f, 0x3F80)]  // 1 + 2^-8: between 1.0 (even) and 1.0078125 (odd) -> 1.0
    [InlineData(1.01171875f, 0x3F82)]  // 1 + 3·2^-8: between 1.0078125 (odd) and 1.015625 (even) -> 1.015625
    [InlineData(-1.00390625f, 0xBF80)]
    [InlineData(-1.01171875f, 0xBF82)]
    // At 3 (exponent 1) the bf16 ulp is 2^-6: 3 + 2^-7 and 3 + 3·2^-7 are ties.
    [InlineData(3.0078125f, 0x4040)]   // 3 + 2^-7: between 3 (0x4040, even) and 3.015625 (0x4041) -> 3
    [InlineData(3.0234375f, 0x4042)]   // 3 + 3·2^-7: between 0x4041 and 0x4042 (even) -> 3.03125
    [InlineData(3.015625f, 0x4041)]    // 3 + 2^-6: exact
    public void Float_to_bf16_exact_and_tie_cases(float value, int expected) =>
        Assert.Equal(expected, Bits(value));

    [Fact]
    public void Float_to_bf16_just_above_and_just_below_ties()
    {
        const float tieLow = 1.00390625f;  // 1 + 2^-8
        const float tieHigh = 1.01171875f; // 1 + 3·2^-8
        Assert.Equal(0x3F81, Bits(MathF.BitIncrement(tieLow)));  // just above -> up to 1.0078125
        Assert.Equal(0x3F80, Bits(MathF.BitDecrement(tieLow)));  // just below -> 1.0
        Assert.Equal(0x3F82, Bits(MathF.BitIncrement(tieHigh))); // just above -> 1.015625
        Assert.Equal(0x3F81, Bits(MathF.BitDecrement(tieHigh))); // just below -> 1.0078125 (odd, but nearer)
        Assert.Equal(0xBF81, Bits(-MathF.BitIncrement(tieLow)));
        Assert.Equal(0xBF80, Bits(-MathF.BitDecrement(tieLow)));
        Assert.Equal(0xBF81, Bits(-MathF.BitDecrement(tieHigh)));
    }

    [Theory]
    [InlineData(0x00010000u, 0x0001)] // 2^-133, the smallest bf16 subnormal: exact
    [InlineData(0x00008000u, 0x0000)] // 2^-134: tie between 0 (even) and 2^-133 -> 0
    [InlineData(0x00008001u, 0x0001)] // just above that tie
    [InlineData(0x00007FFFu, 0x0000)] // just below
    [InlineData(0x00018000u, 0x0002)] // 1.5 · 2^-133: tie between 0x0001 and 0x0002 (even) -> 0x0002
    [InlineData(0x00028000u, 0x0002)] // 2.5 · 2^-133: tie between 0x0002 (even) and 0x0003 -> 0x0002
    [InlineData(0x00000001u, 0x0000)] // float.Epsilon
    [InlineData(0x80000001u, 0x8000)] // -float.Epsilon -> -0
    [InlineData(0x80018000u, 0x8002)]
    [InlineData(0x007FFFFFu, 0x0080)] // the largest float subnormal rounds up to the smallest bf16 normal 2^-126
    [InlineData(0x007F7FFFu, 0x007F)] // the largest bf16 subnormal, plus less than half an ulp
    [InlineData(0x00800000u, 0x0080)] // 2^-126
    public void Float_to_bf16_subnormals(uint floatBits, int expected) =>
        Assert.Equal(expected, Bits(FloatFromBits(floatBits)));

    [Theory]
    [InlineData(0x7F7F0000u, 0x7F7F)] // bf16 MaxValue itself
    [InlineData(0x7F7F7FFFu, 0x7F7F)] // MaxValue + just under half an ulp
    [InlineData(0x7F7F8000u, 0x7F80)] // MaxValue + half an ulp: a tie, the even neighbour is 2^128 -> +Inf (IEEE 754 §4.3.1)
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float.MaxValue -> +Inf
    [InlineData(0xFF7FFFFFu, 0xFF80)] // float.MinValue -> -Inf
    [InlineData(0xFF7F8000u, 0xFF80)]
    [InlineData(0xFF7F7FFFu, 0xFF7F)]
    [InlineData(0x7F800000u, 0x7F80)] // +Inf
    [InlineData(0xFF800000u, 0xFF80)] // -Inf
    public void Float_to_bf16_overflow_and_infinities(uint floatBits, int expected) =>
        Assert.Equal(expected, Bits(FloatFromBits(floatBits)));

    [Fact]
    public void Float_MaxValue_rounds_to_positive_infinity()
    {
        Assert.True(BFloat16.IsPositiveInfinity((BFloat16)float.MaxValue));
        Assert.True(BFloat16.IsNegativeInfinity((BFloat16)float.MinValue));
    }

    [Theory]
    [InlineData(0x7F800001u, 0x7FC0)] // payload only in the low 16 bits: truncation alone would give +Inf
    [InlineData(0xFF800001u, 0xFFC0)] // same, negative
    [InlineData(0x7F80FFFFu, 0x7FC0)] // low payload all ones: the rounding carry must not reach the exponent
    [InlineData(0x7FFFFFFFu, 0x7FFF)] // the largest payload: no wrap-around to +0
    [InlineData(0xFFFFFFFFu, 0xFFFF)] // no wrap-around to 0 either
    [InlineData(0x7F810000u, 0x7FC1)] // signalling NaN with a high payload: kept, quietened
    [InlineData(0x7FC00000u, 0x7FC0)] // the positive quiet NaN
    public void Float_NaN_stays_NaN_with_sign_and_high_payload(uint floatBits, int expected)
    {
        var result = (BFloat16)FloatFromBits(floatBits);
        Assert.True(BFloat16.IsNaN(result));
        Assert.False(BFloat16.IsInfinity(result));
        Assert.Equal(expected, result.RawValue);
    }

    [Fact]
    public void Float_NaN_constant_converts_to_a_NaN()
    {
        Assert.True(BFloat16.IsNaN((BFloat16)float.NaN));
        Assert.True(BFloat16.IsNaN((BFloat16)(-float.NaN)));
    }

    // ---- float -> bf16: against an independent reference rounding ------------------------------------------

    /// <summary>
    /// Round-to-nearest-even from first principles: take the two bf16 values that bracket <paramref name="value"/>
    /// (truncation toward zero and the next one away from zero), compare the distances exactly in double, pick the
    /// nearer, and on a tie the one with an even mantissa. Beyond MaxValue the upper neighbour is 2^128 (rounding as
    /// if the exponent were unbounded, IEEE 754 §4.3.1), which then overflows to infinity.
    /// </summary>
    private static ushort ReferenceRound(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            throw new ArgumentException("NaN has no rounding", nameof(value));
        }

        ushort sign = (ushort)((bits >> 16) & 0x8000);
        uint magnitudeBits = bits & 0x7FFFFFFF;
        if (magnitudeBits >= 0x7F800000) return (ushort)(sign | 0x7F80); // ±Inf

        double magnitude = BitConverter.UInt32BitsToSingle(magnitudeBits);
        ushort below = (ushort)(magnitudeBits >> 16);           // truncation toward zero
        ushort above = (ushort)(below + 1);                     // next bf16 magnitude (0x7F80 = "2^128")
        double belowValue = ValueOf(below);
        double aboveValue = above == 0x7F80 ? Math.Pow(2, 128) : ValueOf(above);
        double downDistance = magnitude - belowValue;           // exact: both are floats sharing the top bits
        double upDistance = aboveValue - magnitude;
        ushort chosen = downDistance < upDistance ? below
            : upDistance < downDistance ? above
            : (below & 1) == 0 ? below : above;
        return (ushort)(sign | chosen);
    }

    [Fact]
    public void Float_to_bf16_matches_the_reference_rounding_on_a_million_random_floats()
    {
        var random = new Random(20240607);
        int checkedCount = 0;
        while (checkedCount < 1_000_000)
        {
            uint bits = (uint)random.NextInt64(0, 1L << 32);
            float value = BitConverter.UInt32BitsToSingle(bits);
            if (float.IsNaN(value))
            {
                Assert.True(BFloat16.IsNaN((BFloat16)value));
                continue;
            }

            ushort expected = ReferenceRound(value);
            ushort actual = Bits(value);
            if (expected != actual)
            {
                Assert.Fail($"float 0x{bits:X8} ({value:R}): expected bf16 0x{expected:X4}, actual 0x{actual:X4}");
            }

            checkedCount++;
        }
    }

    [Fact]
    public void Float_to_bf16_matches_the_reference_rounding_near_every_tie()
    {
        // Every bf16 high half with the low halves that matter to rounding: exact, just above, just below and at
        // the tie, just above the tie, and the largest. Covers every exponent, subnormals, both signs and overflow.
        uint[] lows = { 0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFF };
        for (uint high = 0; high < AllPatterns; high++)
        {
            if (IsNaNPattern((int)high) || (high & 0x7FFF) == 0x7F80) continue; // NaNs, and ±Inf with a low half are NaNs
            foreach (uint low in lows)
            {
                float value = BitConverter.UInt32BitsToSingle((high << 16) | low);
                ushort expected = ReferenceRound(value);
                ushort actual = Bits(value);
                if (expected != actual)
                {
                    Assert.Fail($"float 0x{(high << 16) | low:X8}: expected bf16 0x{expected:X4}, actual 0x{actual:X4}");
                }
            }
        }
    }

    // ---- double -> bf16: one correct rounding -------------------------------------------------------------------

    [Fact]
    public void Double_to_bf16_rounds_once_not_through_float()
    {
        // 1 + 2^-8 + 2^-30 is just above the tie between 1.0 and 1.0078125, so it rounds up. Through float the 2^-30
        // would be lost first (float keeps 23 fraction bits), leaving an exact tie that goes to even: 1.0.
        double value = 1 + Math.Pow(2, -8) + Math.Pow(2, -30);
        Assert.Equal(1.00390625f, (float)value); // the trap is real: float sees an exact tie
        Assert.Equal(0x3F81, Bits(value));
        Assert.Equal(1.0078125, (double)(BFloat16)value);
        Assert.Equal(0xBF81, Bits(-value));

        // Just below the tie between 1.0078125 (odd) and 1.015625 (even): correct is down, to 1.0078125. Through
        // float the 2^-30 is lost again and the exact tie would go up to the even 1.015625.
        double below = 1 + 3 * Math.Pow(2, -8) - Math.Pow(2, -30);
        Assert.Equal(1.01171875f, (float)below);
        Assert.Equal(0x3F81, Bits(below));
    }

    [Theory]
    [InlineData(1.0, 0x3F80)]
    [InlineData(-0.0, 0x8000)]
    [InlineData(0.0, 0x0000)]
    [InlineData(1.00390625, 0x3F80)]  // an exact tie in double too: to even
    [InlineData(1.01171875, 0x3F82)]
    [InlineData(1e300, 0x7F80)]       // beyond float: +Inf
    [InlineData(-1e300, 0xFF80)]
    [InlineData(1e-300, 0x0000)]      // below float's range: +0
    [InlineData(-1e-300, 0x8000)]     // -0
    [InlineData(double.PositiveInfinity, 0x7F80)]
    [InlineData(double.NegativeInfinity, 0xFF80)]
    [InlineData(3.4028234663852886e38, 0x7F80)] // float.MaxValue as a double
    public void Double_to_bf16_chosen_cases(double value, int expected) =>
        Assert.Equal(expected, Bits(value));

    [Fact]
    public void Double_to_bf16_at_the_overflow_threshold_and_the_smallest_subnormal()
    {
        // The overflow threshold is MaxValue + half an ulp = 2^128 − 2^119: at or above -> +Inf, below -> MaxValue.
        double threshold = Math.Pow(2, 128) - Math.Pow(2, 119);
        Assert.Equal(0x7F80, Bits(threshold));
        Assert.Equal(0x7F7F, Bits(threshold - Math.Pow(2, 80)));
        Assert.Equal(0xFF7F, Bits(-(threshold - Math.Pow(2, 80))));
        Assert.Equal(0xFF80, Bits(-threshold));

        // Half the smallest subnormal (2^-134) is a tie -> 0; a hair above it rounds up to 2^-133. In float that hair
        // (2^-180) does not exist, so a conversion through float would return 0.
        Assert.Equal(0x0000, Bits(Math.Pow(2, -134)));
        Assert.Equal(0x0001, Bits(Math.Pow(2, -134) + Math.Pow(2, -180)));
        Assert.Equal(0x8001, Bits(-(Math.Pow(2, -134) + Math.Pow(2, -180))));
        Assert.Equal(0x0000, Bits(Math.Pow(2, -134) - Math.Pow(2, -180)));
    }

    [Fact]
    public void Double_NaN_stays_NaN()
    {
        Assert.True(BFloat16.IsNaN((BFloat16)double.NaN));
        Assert.True(BFloat16.IsNaN((BFloat16)BitConverter.Int64BitsToDouble(0x7FF0000000000001))); // low payload only
        Assert.True(BFloat16.IsNaN((BFloat16)BitConverter.Int64BitsToDouble(unchecked((long)0xFFF0000000000001))));
    }

    /// <summary>
    /// Random doubles built between two adjacent bf16 values <c>a</c> and <c>a + ulp</c> as <c>a + t · ulp</c> with
    /// <c>t = k / 2^44</c>: exact in double (8 + 44 significant bits). The correct rounding is known by construction:
    /// <c>t &lt; ½</c> -> a, <c>t &gt; ½</c> -> a + ulp, <c>t = ½</c> -> the even one. Half the samples sit within
    /// 2^-16 ulp of the tie, where a detour through float (which keeps only 16 bits below the bf16 ulp) would round twice.
    /// </summary>
    [Fact]
    public void Double_to_bf16_matches_the_rounding_known_by_construction()
    {
        var random = new Random(424242);
        const long scale = 1L << 44;
        for (int n = 0; n < 400_000; n++)
        {
            int a = random.Next(0, 0x7F80);      // a finite non-negative bf16 magnitude (0x7F7F has the virtual 2^128 above)
            double lower = ValueOf(a);
            double ulp = (a == 0x7F7F ? Math.Pow(2, 128) : ValueOf(a + 1)) - lower;
            long k = (n % 4) switch
            {
                0 => random.NextInt64(1, scale),                                 // anywhere strictly inside
                1 => scale / 2 + random.NextInt64(-(1L << 28), (1L << 28) + 1),   // within 2^-16 ulp of the tie
                2 => scale / 2 + random.NextInt64(-3, 4),                         // within a few 2^-44 ulp of the tie
                _ => random.Next(2) == 0 ? scale / 2 : random.NextInt64(1, 1L << 20), // the tie, or just above a
            };
            double magnitude = lower + ulp * ((double)k / scale);
            int expected = k * 2 < scale ? a : k * 2 > scale ? a + 1 : (a & 1) == 0 ? a : a + 1;
            bool negative = random.Next(2) == 0;
            double value = negative ? -magnitude : magnitude;
            int expectedBits = negative ? expected | 0x8000 : expected;

            int actual = Bits(value);
            if (actual != expectedBits)
            {
                Assert.Fail($"double {value:R} (a = 0x{a:X4}, t = {k}/2^44): expected bf16 0x{expectedBits:X4}, actual 0x{actual:X4}");
            }
        }
    }

    // ---- Comparisons -----------------------------------------------------------------------------------------

    /// <summary>The numeric order of non-NaN patterns from sign and magnitude (both zeros are 0).</summary>
    private static int OrderKey(int bits) => (bits & 0x8000) != 0 ? -(bits & 0x7FFF) : bits & 0x7FFF;

    [Fact]
    public void IEEE_operators_follow_sign_magnitude_order_and_NaN_is_unordered()
    {
        var random = new Random(7);
        for (int x = 0; x < AllPatterns; x++)
        {
            // Each pattern against its bit neighbours, its negation, the zeros, the infinities and random patterns.
            int[] others =
            {
                x, (x + 1) & 0xFFFF, (x - 1) & 0xFFFF, x ^ 0x8000, 0x0000, 0x8000, 0x7F80, 0xFF80, 0xFFC0,
                random.Next(AllPatterns), random.Next(AllPatterns),
            };
            foreach (int y in others)
            {
                var a = BFloat16.FromRaw((ushort)x);
                var b = BFloat16.FromRaw((ushort)y);
                bool unordered = IsNaNPattern(x) || IsNaNPattern(y);
                int kx = OrderKey(x), ky = OrderKey(y);
                string at = $"0x{x:X4} vs 0x{y:X4}";
                Assert.True((!unordered && kx == ky) == (a == b), "== " + at);
                Assert.True((unordered || kx != ky) == (a != b), "!= " + at);
                Assert.True((!unordered && kx < ky) == (a < b), "< " + at);
                Assert.True((!unordered && kx > ky) == (a > b), "> " + at);
                Assert.True((!unordered && kx <= ky) == (a <= b), "<= " + at);
                Assert.True((!unordered && kx >= ky) == (a >= b), ">= " + at);
            }
        }
    }

    [Fact]
    public void Named_values_are_in_increasing_order()
    {
        BFloat16[] ascending =
        {
            BFloat16.NegativeInfinity, BFloat16.MinValue, (BFloat16)(-1f), (BFloat16)(-1e-40f), BFloat16.Zero,
            BFloat16.Epsilon, BFloat16.One, (BFloat16)1.0078125f, BFloat16.MaxValue, BFloat16.PositiveInfinity,
        };
        for (int i = 0; i + 1 < ascending.Length; i++)
        {
            Assert.True(ascending[i] < ascending[i + 1], $"{i}");
            Assert.True(ascending[i].CompareTo(ascending[i + 1]) < 0, $"{i}");
            Assert.True(ascending[i + 1].CompareTo(ascending[i]) > 0, $"{i}");
        }
    }

    [Fact]
    public void NaN_is_unequal_and_unordered_under_the_operators()
    {
        var nan = BFloat16.NaN;
        var sameNaN = BFloat16.NaN; // the same bits
        var otherNaN = BFloat16.FromRaw(0x7F81);
        Assert.False(nan == sameNaN);
        Assert.True(nan != sameNaN);
        Assert.False(nan == otherNaN);
        Assert.False(nan < BFloat16.One);
        Assert.False(nan > BFloat16.One);
        Assert.False(nan <= sameNaN);
        Assert.False(nan >= sameNaN);
        Assert.False(BFloat16.PositiveInfinity < nan);
    }

    [Fact]
    public void Zeros_are_equal_under_the_operators()
    {
        var positive = BFloat16.Zero;
        var negative = BFloat16.FromRaw(0x8000);
        Assert.True(positive == negative);
        Assert.False(positive != negative);
        Assert.False(negative < positive);
        Assert.True(negative <= positive);
        Assert.Equal(0, negative.CompareTo(positive));
    }

    [Fact]
    public void CompareTo_is_a_total_order_with_NaN_first()
    {
        var values = new[]
        {
            BFloat16.One, BFloat16.NaN, BFloat16.NegativeInfinity, BFloat16.Zero, (BFloat16)(-1f),
            BFloat16.PositiveInfinity, BFloat16.FromRaw(0x7F81),
        };
        Array.Sort(values);
        Assert.True(BFloat16.IsNaN(values[0]));
        Assert.True(BFloat16.IsNaN(values[1]));
        Assert.Equal(new[] { 0xFF80, 0xBF80, 0x0000, 0x3F80, 0x7F80 }, values[2..].Select(v => (int)v.RawValue));

        Assert.Equal(0, BFloat16.NaN.CompareTo(BFloat16.FromRaw(0x7F81)));
        Assert.True(BFloat16.NaN.CompareTo(BFloat16.NegativeInfinity) < 0);
        Assert.True(BFloat16.NegativeInfinity.CompareTo(BFloat16.NaN) > 0);
    }

    [Fact]
    public void CompareTo_object()
    {
        Assert.Equal(1, BFloat16.One.CompareTo(null));
        Assert.True(BFloat16.One.CompareTo((object)BFloat16.Zero) > 0);
        Assert.Equal(0, BFloat16.One.CompareTo((object)BFloat16.One));
        Assert.Throws<ArgumentException>(() => BFloat16.One.CompareTo((object)1.0f));
    }

    // ---- Equals / GetHashCode ----------------------------------------------------------------------------------

    /// <summary>Equals as float.Equals defines it: same value, every NaN equal to every NaN, +0 equal to −0.</summary>
    private static bool ExpectedEquals(int x, int y) =>
        (IsNaNPattern(x) && IsNaNPattern(y)) || (!IsNaNPattern(x) && !IsNaNPattern(y) && OrderKey(x) == OrderKey(y));

    [Fact]
    public void Equals_and_GetHashCode_are_consistent_on_every_pattern()
    {
        var random = new Random(11);
        for (int x = 0; x < AllPatterns; x++)
        {
            var a = BFloat16.FromRaw((ushort)x);
            Assert.True(a.Equals(a));            // reflexive, NaN included
            Assert.True(a.Equals((object)a));
            int[] others = { x ^ 0x8000, (x + 1) & 0xFFFF, 0x0000, 0x8000, 0x7FC0, 0xFFC0, 0x7F81, random.Next(AllPatterns) };
            foreach (int y in others)
            {
                var b = BFloat16.FromRaw((ushort)y);
                bool expected = ExpectedEquals(x, y);
                Assert.True(expected == a.Equals(b), $"0x{x:X4}.Equals(0x{y:X4})");
                Assert.True(expected == b.Equals(a), $"0x{y:X4}.Equals(0x{x:X4})");
                if (expected)
                {
                    Assert.True(a.GetHashCode() == b.GetHashCode(), $"hash 0x{x:X4} vs 0x{y:X4}");
                }
            }
        }
    }

    [Fact]
    public void Equals_object_rejects_other_types_and_works_as_a_dictionary_key()
    {
        Assert.False(BFloat16.One.Equals((object)1.0f));
        Assert.False(BFloat16.One.Equals(null));

        var set = new System.Collections.Generic.HashSet<BFloat16>
        {
            BFloat16.NaN, BFloat16.FromRaw(0x7F81), BFloat16.FromRaw(0xFFFF), // one NaN
            BFloat16.Zero, BFloat16.FromRaw(0x8000),                          // one zero
            BFloat16.One,
        };
        Assert.Equal(3, set.Count);
        Assert.Contains(BFloat16.FromRaw(0x7FC5), set);
        Assert.Contains(BFloat16.FromRaw(0x8000), set);
    }

    [Fact]
    public void ToString_prints_the_float_value()
    {
        Assert.Equal("1.0078125", ((BFloat16)1.0078125f).ToString(CultureInfo.InvariantCulture));
        Assert.Equal("-2", ((BFloat16)(-2f)).ToString(CultureInfo.InvariantCulture));
        Assert.Equal("NaN", BFloat16.NaN.ToString(CultureInfo.InvariantCulture));
    }
}
