using System;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// The device number format, DLFloat16 / SEN169_FP16 (docs/spyre.md#numerics). Expected values are written from the
/// format's definition (1-6-9, bias 31, implicit 1 for every code, 0x0000 zero, 0x7FFF NINF), never from the converter.
/// </summary>
public class DlFloat16Tests
{
    [Theory]
    [InlineData(1f, 0x3E00)]                  // exponent 31, fraction 0
    [InlineData(-2f, 0x8000 | 0x4000)]        // exponent 32
    [InlineData(1.5f, 0x3E00 | 0x100)]        // fraction 256/512
    [InlineData(65536f, (31 + 16) << 9)]      // 2^16: finite here, past IEEE fp16's range
    [InlineData(0f, 0x0000)]
    [InlineData(-0f, 0x8000)]
    public void EncodesFromTheDefinition(float value, int code)
    {
        Assert.Equal((ushort)code, DlFloat16.Encode(value));
        Assert.Equal(value, DlFloat16.Decode((ushort)code));
        Assert.Equal(float.IsNegative(value), float.IsNegative(DlFloat16.Decode((ushort)code)));
    }

    [Fact]
    public void EveryFiniteCodeRoundTrips()
    {
        int finite = 0;
        for (int code = 0; code <= 0xFFFF; code++)
        {
            float value = DlFloat16.Decode((ushort)code);
            if ((code & 0x7FFF) == DlFloat16.Ninf)
            {
                Assert.True(float.IsNaN(value));
                continue;
            }

            Assert.True(float.IsFinite(value));
            Assert.Equal((ushort)code, DlFloat16.Encode(value));
            finite++;
        }

        Assert.Equal(65536 - 2, finite); // only ±NINF is not a number
    }

    [Fact]
    public void RangeIsBias31WithNoSubnormals()
    {
        // Largest finite: exponent 63, fraction 510 (511 is NINF) = 2^32 · (1 + 510/512).
        Assert.Equal(MathF.ScaleB(1 + 510f / 512, 32), DlFloat16.MaxValue);
        // Smallest non-zero: exponent 0, fraction 1 = 2^−31 · (1 + 1/512); exponent 0, fraction 0 is zero, not 2^−31.
        Assert.Equal(MathF.ScaleB(1 + 1f / 512, -31), DlFloat16.MinValue);
        Assert.Equal(0f, DlFloat16.Round(MathF.ScaleB(1, -31)));
        // Below the range: flush to zero, keeping the sign; no value between 0 and MinValue exists.
        Assert.Equal(0f, DlFloat16.Round(MathF.ScaleB(1, -33)));
        Assert.True(float.IsNegative(DlFloat16.Round(-MathF.ScaleB(1, -40))));
        Assert.Equal(0, DlFloat16.Encode(float.Epsilon));
        // IEEE fp16's subnormals (and its smallest normal 2^−14) are ordinary normal numbers here.
        Assert.Equal(MathF.ScaleB(1, -24), DlFloat16.Round(MathF.ScaleB(1, -24)));
    }

    [Fact]
    public void RoundsToNearestWithTiesAwayFromZero()
    {
        float ulpAtOne = 1f / 512;
        // Exactly halfway between 1 and 1 + ulp: away from zero (IEEE's ties-to-even would give 1).
        Assert.Equal(1 + ulpAtOne, DlFloat16.Round(1 + ulpAtOne / 2));
        Assert.Equal(-(1 + ulpAtOne), DlFloat16.Round(-(1 + ulpAtOne / 2)));
        // Halfway between 1 + ulp and 1 + 2 ulp (an odd and an even fraction): still away from zero.
        Assert.Equal(1 + 2 * ulpAtOne, DlFloat16.Round(1 + 1.5f * ulpAtOne));
        // Just below and above the tie: nearest.
        Assert.Equal(1f, DlFloat16.Round(BitDecrement(1 + ulpAtOne / 2)));
        Assert.Equal(1 + ulpAtOne, DlFloat16.Round(1 + 0.75f * ulpAtOne));
        // A carry out of the fraction bumps the exponent: 2 − ulp/2 rounds to 2.
        Assert.Equal(2f, DlFloat16.Round(2 - ulpAtOne / 4));
        // IEEE fp16's mask value −65504 = −2^15·(2 − 2^−10) is a tie at 9 fraction bits: it lands on −65536.
        Assert.Equal(-65536f, DlFloat16.Round(-65504f));
        // 9 fraction bits: half the precision of IEEE fp16 (10 bits).
        Assert.Equal(1f, DlFloat16.Round(1 + 1f / 1024 - 1f / 4096));
        Assert.Equal(1 + 1f / 1024, (float)(Half)(1 + 1f / 1024));
    }

    [Fact]
    public void OverflowGivesTheMergedNaNInfinityCodeNotSaturation()
    {
        float max = DlFloat16.MaxValue;
        float halfUlp = MathF.ScaleB(1, 32 - 9 - 1);
        Assert.Equal(max, DlFloat16.Round(max + halfUlp / 2));
        // Rounding onto the NINF code itself (fraction 511 at exponent 63) is overflow.
        Assert.Equal(DlFloat16.Ninf, DlFloat16.Encode(max + halfUlp));
        Assert.Equal(0x8000 | DlFloat16.Ninf, DlFloat16.Encode(-(max + halfUlp)));
        Assert.Equal(DlFloat16.Ninf, DlFloat16.Encode(1e10f));
        Assert.Equal(DlFloat16.Ninf, DlFloat16.Encode(float.MaxValue));
        Assert.True(float.IsNaN(DlFloat16.Round(1e10f)));
    }

    [Fact]
    public void NaNAndInfinityShareOneCode()
    {
        Assert.Equal(DlFloat16.Ninf, DlFloat16.Encode(float.PositiveInfinity));
        Assert.Equal(DlFloat16.Ninf, DlFloat16.Encode(float.NaN) & 0x7FFF);
        Assert.Equal(0x8000 | DlFloat16.Ninf, DlFloat16.Encode(float.NegativeInfinity));
        // Read back, NINF is NaN: an infinity does not survive a trip through the device.
        Assert.True(float.IsNaN(DlFloat16.Round(float.PositiveInfinity)));
        Assert.True(float.IsNaN(DlFloat16.Decode(0xFFFF)));
    }

    private static float BitDecrement(float x) => MathF.BitDecrement(x);
}
