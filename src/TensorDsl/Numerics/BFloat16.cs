using System;

namespace TensorDsl;

/// <summary>
/// The 16-bit "brain" float: the top 16 bits of an IEEE-754 binary32 (1 sign, 8 exponent, 7 mantissa bits).
/// It has float's range with about 3 significant decimal digits. Arithmetic is done by converting to
/// <see cref="float"/>; this type only stores, converts and compares.
/// </summary>
/// <remarks>
/// Conversions from <see cref="float"/> and <see cref="double"/> round to nearest, ties to even, so the
/// reference engine and the generated kernels agree bit for bit on the final rounding. A NaN stays a NaN (its
/// sign and top payload bits are kept and the quiet bit is set): plain truncation of a NaN whose payload lives
/// only in the low 16 bits would otherwise produce an infinity.
/// </remarks>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IComparable
{
    private const ushort SignMask = 0x8000;
    private const ushort ExponentMask = 0x7F80;
    private const ushort MantissaMask = 0x007F;
    private const ushort QuietBit = 0x0040;

    private readonly ushort _bits;

    private BFloat16(ushort bits) => _bits = bits;

    /// <summary>The raw bit pattern (the high half of the equivalent float's bits).</summary>
    public ushort RawValue => _bits;

    /// <summary>Reinterprets a raw bit pattern as a <see cref="BFloat16"/> (no conversion).</summary>
    public static BFloat16 FromRaw(ushort bits) => new(bits);

    public static BFloat16 Zero => new(0x0000);

    public static BFloat16 One => new(0x3F80);

    /// <summary>The canonical quiet NaN (same top bits as <see cref="float.NaN"/> on .NET: sign set).</summary>
    public static BFloat16 NaN => new(0xFFC0);

    public static BFloat16 PositiveInfinity => new(0x7F80);

    public static BFloat16 NegativeInfinity => new(0xFF80);

    /// <summary>The smallest positive value (a subnormal, 2^-133), as <see cref="float.Epsilon"/> is for float.</summary>
    public static BFloat16 Epsilon => new(0x0001);

    /// <summary>The largest finite value, (2 − 2^-7) · 2^127 ≈ 3.3895e38.</summary>
    public static BFloat16 MaxValue => new(0x7F7F);

    /// <summary>The most negative finite value, −<see cref="MaxValue"/>.</summary>
    public static BFloat16 MinValue => new(0xFF7F);

    public static bool IsNaN(BFloat16 value) =>
        (value._bits & ExponentMask) == ExponentMask && (value._bits & MantissaMask) != 0;

    public static bool IsInfinity(BFloat16 value) => (value._bits & 0x7FFF) == ExponentMask;

    public static bool IsPositiveInfinity(BFloat16 value) => value._bits == 0x7F80;

    public static bool IsNegativeInfinity(BFloat16 value) => value._bits == 0xFF80;

    public static bool IsFinite(BFloat16 value) => (value._bits & ExponentMask) != ExponentMask;

    public static bool IsNegative(BFloat16 value) => (value._bits & SignMask) != 0;

    /// <summary>Widening is exact: the bf16 bits are the float's high half.</summary>
    public static explicit operator float(BFloat16 value) => BitConverter.Int32BitsToSingle(value._bits << 16);

    /// <summary>Exact (every bf16 value is a double).</summary>
    public static explicit operator double(BFloat16 value) => (float)value;

    /// <summary>Rounds to nearest, ties to even; overflow rounds to ±infinity; NaN stays a (quiet) NaN.</summary>
    public static explicit operator BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            // Keep sign and high payload, force the quiet bit so the result cannot become the infinity pattern.
            return new((ushort)((bits >> 16) | QuietBit));
        }

        // Adding 0x7FFF plus the lowest kept bit rounds the discarded 16 bits half-to-even; a carry out of the
        // mantissa bumps the exponent, which is exactly right (including rounding MaxValue+ up to infinity).
        uint lsb = (bits >> 16) & 1;
        bits += 0x7FFFu + lsb;
        return new((ushort)(bits >> 16));
    }

    /// <summary>
    /// Rounds to nearest, ties to even, correctly (a single rounding from the double value). Converting through
    /// <c>(BFloat16)(float)d</c> would round twice and can be one ulp off on near-ties; here the float step
    /// rounds to odd instead, which float's 16 extra bits make harmless for the final round to bf16.
    /// </summary>
    public static explicit operator BFloat16(double value)
    {
        if (double.IsNaN(value))
        {
            return (BFloat16)(float)value;
        }

        float f = (float)value;
        if ((double)f != value)
        {
            // Round to odd: truncate toward zero, then set the lowest mantissa bit to record "inexact".
            // (float)value rounded away from zero when |f| > |value| (this includes overflow to infinity).
            if (Math.Abs((double)f) > Math.Abs(value))
            {
                f = value > 0 ? MathF.BitDecrement(f) : MathF.BitIncrement(f);
            }

            f = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(f) | 1u);
        }

        return (BFloat16)f;
    }

    public static bool operator ==(BFloat16 left, BFloat16 right) => (float)left == (float)right;

    public static bool operator !=(BFloat16 left, BFloat16 right) => (float)left != (float)right;

    public static bool operator <(BFloat16 left, BFloat16 right) => (float)left < (float)right;

    public static bool operator >(BFloat16 left, BFloat16 right) => (float)left > (float)right;

    public static bool operator <=(BFloat16 left, BFloat16 right) => (float)left <= (float)right;

    public static bool operator >=(BFloat16 left, BFloat16 right) => (float)left >= (float)right;

    /// <summary>
    /// Like <see cref="float.Equals(float)"/>: NaN equals NaN and +0 equals −0, so the type works as a dictionary
    /// key. The <c>==</c> operator keeps IEEE semantics (NaN ≠ NaN).
    /// </summary>
    public bool Equals(BFloat16 other) => ((float)this).Equals((float)other);

    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <summary>Consistent with <see cref="Equals(BFloat16)"/>: every NaN and both zeros hash alike.</summary>
    public override int GetHashCode()
    {
        if (IsNaN(this))
        {
            return 0x7FC0;
        }

        return (_bits & 0x7FFF) == 0 ? 0 : _bits;
    }

    /// <summary>Total order as <see cref="float.CompareTo(float)"/>: NaN sorts below everything.</summary>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        BFloat16 other => CompareTo(other),
        _ => throw new ArgumentException("The object is not a BFloat16.", nameof(obj)),
    };

    /// <summary>The value as the equivalent float prints (current culture, shortest round-trippable form).</summary>
    public override string ToString() => ((float)this).ToString();

    public string ToString(IFormatProvider? provider) => ((float)this).ToString(provider);
}
