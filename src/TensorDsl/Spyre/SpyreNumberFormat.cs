using System;

namespace TensorDsl.Spyre;

/// <summary>The 16-bit format the emulator rounds every op's result to (docs/spyre.md#numerics).</summary>
public enum SpyreNumberFormat
{
    /// <summary>
    /// The device's format: torch-spyre stores <c>float16</c> on the device as <c>SEN169_FP16</c> — IBM's DLFloat16,
    /// 1 sign, 6 exponent, 9 fraction bits (<see cref="DlFloat16"/>).
    /// </summary>
    DlFloat16,

    /// <summary>IEEE 754 binary16 (5 exponent, 10 fraction bits, round to nearest even): what the host holds.</summary>
    IeeeFp16,
}

/// <summary>
/// IBM's DLFloat16 (the device's <c>SEN169_FP16</c>), bit for bit as IBM's own conversion code defines it (onnx-mlir's
/// <c>NNP1</c> class and zDNN's <c>fl32_to_dlflt16</c>; docs/spyre.md#numerics): sign, 6-bit exponent with bias 31,
/// 9-bit fraction with an implicit leading 1 for every code — no subnormals. Two codes are special: all bits but the
/// sign clear is ±0, all set (<c>0x7FFF</c>) is the one "not a number or infinity" code (NINF), read back as NaN.
/// Conversion from fp32 rounds to nearest with ties away from zero (half an ulp is added to the magnitude, then
/// truncated); a magnitude that rounds past the largest finite code becomes NINF (no saturation), and one whose
/// exponent falls below the range, or that lands on the zero code, becomes ±0 (flush to zero).
/// </summary>
public static class DlFloat16
{
    public const int ExponentBias = 31;

    public const int FractionBits = 9;

    /// <summary>The merged NaN/infinity code (either sign).</summary>
    public const ushort Ninf = 0x7FFF;

    /// <summary>The largest finite magnitude: 2^32 · (1 + 510/512) ≈ 8.57e9 (code 0x7FFE).</summary>
    public static readonly float MaxValue = Decode(0x7FFE);

    /// <summary>The smallest non-zero magnitude: 2^−31 · (1 + 1/512) (code 0x0001; 0x0000 is zero, not 2^−31).</summary>
    public static readonly float MinValue = Decode(0x0001);

    /// <summary>fp32 → DLFloat16 code.</summary>
    public static ushort Encode(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        ushort sign = (ushort)((bits >> 16) & 0x8000);
        int exponent = (int)((bits >> 23) & 0xFF);
        if (exponent == 0xFF)
        {
            return (ushort)(sign | Ninf); // NaN and ±inf share the one code
        }

        if (exponent == 0)
        {
            return sign; // fp32 zero or subnormal: far below 2^−31
        }

        exponent += ExponentBias - 127;
        if (exponent < 0)
        {
            return sign;
        }

        // The 24-bit significand (implicit 1 restored) plus half of the 9-bit fraction's last place: truncating after
        // this add rounds to nearest with ties away from zero. A carry out of the significand bumps the exponent.
        uint significand = (bits & 0x7FFFFF) | 0x800000;
        significand += 1u << (23 - FractionBits - 1);
        if ((significand & 0x1000000) != 0)
        {
            exponent++;
            significand >>= 1;
        }

        if (exponent > 63)
        {
            return (ushort)(sign | Ninf);
        }

        // Exponent 63 with fraction 511 is NINF itself: a value rounding onto it overflowed. Exponent 0 with fraction 0
        // is the zero code: 2^−31 (and what rounds to it) flushes to zero.
        uint fraction = (significand >> (23 - FractionBits)) & 0x1FF;
        return (ushort)(sign | (exponent << FractionBits) | (int)fraction);
    }

    /// <summary>DLFloat16 code → fp32 (exact: every finite code is an fp32 value); NINF reads as NaN.</summary>
    public static float Decode(ushort code)
    {
        int magnitude = code & 0x7FFF;
        bool negative = (code & 0x8000) != 0;
        if (magnitude == 0)
        {
            return negative ? -0f : 0f;
        }

        if (magnitude == Ninf)
        {
            return float.NaN;
        }

        int exponent = magnitude >> FractionBits;
        uint fraction = (uint)(magnitude & 0x1FF);
        uint bits = (negative ? 0x80000000u : 0u) | ((uint)(exponent - ExponentBias + 127) << 23) | (fraction << (23 - FractionBits));
        return BitConverter.UInt32BitsToSingle(bits);
    }

    /// <summary>The value <paramref name="value"/> takes once stored in DLFloat16.</summary>
    public static float Round(float value) => Decode(Encode(value));
}
