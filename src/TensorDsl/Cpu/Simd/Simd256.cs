using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorDsl.Cpu.Simd;

/// <summary>256-bit vectors: AVX2 (or AVX-512 hardware with the 512-bit path switched off).</summary>
internal readonly struct Simd256 : ISimd<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static bool ManyRegisters => System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> left, Vector256<float> right) => left / right;

    /// <summary>Fused where the hardware fuses (<see cref="FusedMultiplyAdd.IsHardware"/>), else multiply then add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        FusedMultiplyAdd.IsHardware ? Vector256.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Vector256.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Round(Vector256<float> value) => Vector256.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ScaleByPow2(Vector256<float> value, Vector256<float> n) =>
        value * Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> left, Vector256<float> right) => Vector256.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectLess(Vector256<float> left, Vector256<float> right, Vector256<float> ifTrue, Vector256<float> ifFalse) =>
        Vector256.ConditionalSelect(Vector256.LessThan(left, right), ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectEqual(Vector256<float> left, Vector256<float> right, Vector256<float> ifTrue, Vector256<float> ifFalse) =>
        Vector256.ConditionalSelect(Vector256.Equals(left, right), ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyZero(Vector256<float> value) => Vector256.EqualsAny(value, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector256<float> value) => Vector256.EqualsAll(value - value, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadHalf(ref ushort source)
    {
        // Sign-extended and shifted by 13, the half's sign lands on the float's (bit 31; bits 28-30 copy it and are
        // cleared) and its exponent and mantissa on the float's low exponent bits and mantissa: times 2^112 that is
        // the value, subnormals included, signed by the multiply. A half exponent of all ones (±∞, NaN) becomes
        // exponent 0xFF with the payload kept. 8 operations; the former form (separate sign, an unsigned compare
        // that AVX2 emulates with max + compare-equal, a blend) took 11 (docs/benchmarks.md, "Decode").
        Vector256<int> x = ShiftedHalf(ref source);
        Vector256<float> value = x.AsSingle() * Vector256.Create(FiniteHalf.Rebias);
        Vector256<int> exponent = Vector256.Create(0x0F800000);
        Vector256<int> special = Vector256.Equals(x & exponent, exponent) & Vector256.Create(0x7F800000);
        return (value.AsInt32() | special).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadFiniteHalf(ref ushort source) =>
        LoadScaledHalf(ref source) * Vector256.Create(FiniteHalf.Rebias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadScaledHalf(ref ushort source) => ShiftedHalf(ref source).AsSingle();

    /// <summary>The halves sign-extended, shifted by 13 and masked: <see cref="LoadHalf"/>'s first three steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ShiftedHalf(ref ushort source) =>
        (Vector256.WidenLower(Vector128.LoadUnsafe(ref Unsafe.As<ushort, short>(ref source)).ToVector256Unsafe()) << 13)
        & Vector256.Create(unchecked((int)0x8FFFE000));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadBFloat16(ref ushort source) =>
        (Vector256.WidenLower(Vector128.LoadUnsafe(ref source).ToVector256Unsafe()) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value)
    {
        // Halve the width with one add, then sum four lanes.
        return Simd128.Sum(value.GetLower() + value.GetUpper()); // the order of StoreSums4, bit for bit
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3, ref float destination) =>
        Simd128.StoreSums4(
            a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(),
            a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper(), ref destination);
}
