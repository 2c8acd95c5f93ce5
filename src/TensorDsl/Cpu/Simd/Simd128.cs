using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TensorDsl.Cpu.Simd;

/// <summary>128-bit vectors: SSE or Arm AdvSimd.</summary>
internal readonly struct Simd128 : ISimd<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    public static bool ManyRegisters => System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> left, Vector128<float> right) => left / right;

    /// <summary>Fused where the hardware fuses (<see cref="FusedMultiplyAdd.IsHardware"/>), else multiply then add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        FusedMultiplyAdd.IsHardware ? Vector128.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> left, Vector128<float> right) => Vector128.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Round(Vector128<float> value) => Vector128.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ScaleByPow2(Vector128<float> value, Vector128<float> n) =>
        value * Vector128.ShiftLeft(Vector128.ConvertToInt32Native(n) + Vector128.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> left, Vector128<float> right) => Vector128.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectLess(Vector128<float> left, Vector128<float> right, Vector128<float> ifTrue, Vector128<float> ifFalse) =>
        Vector128.ConditionalSelect(Vector128.LessThan(left, right), ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectEqual(Vector128<float> left, Vector128<float> right, Vector128<float> ifTrue, Vector128<float> ifFalse) =>
        Vector128.ConditionalSelect(Vector128.Equals(left, right), ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyZero(Vector128<float> value) => Vector128.EqualsAny(value, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector128<float> value) => Vector128.EqualsAll(value - value, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadHalf(ref ushort source)
    {
        // Sign-extended and shifted by 13, the half's sign lands on the float's (bit 31; bits 28-30 copy it and are
        // cleared) and its exponent and mantissa on the float's low exponent bits and mantissa: times 2^112 that is
        // the value, subnormals included, signed by the multiply. A half exponent of all ones (±∞, NaN) becomes
        // exponent 0xFF with the payload kept. 8 operations; the former form (separate sign, an unsigned compare
        // that AVX2 emulates with max + compare-equal, a blend) took 11 (docs/benchmarks.md, "Decode").
        Vector128<int> x = ShiftedHalf(ref source);
        Vector128<float> value = x.AsSingle() * Vector128.Create(FiniteHalf.Rebias);
        Vector128<int> exponent = Vector128.Create(0x0F800000);
        Vector128<int> special = Vector128.Equals(x & exponent, exponent) & Vector128.Create(0x7F800000);
        return (value.AsInt32() | special).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadFiniteHalf(ref ushort source) =>
        LoadScaledHalf(ref source) * Vector128.Create(FiniteHalf.Rebias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadScaledHalf(ref ushort source) => ShiftedHalf(ref source).AsSingle();

    /// <summary>The halves sign-extended, shifted by 13 and masked: <see cref="LoadHalf"/>'s first three steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> ShiftedHalf(ref ushort source) =>
        (Vector128.WidenLower(Vector64.LoadUnsafe(ref Unsafe.As<ushort, short>(ref source)).ToVector128Unsafe()) << 13)
        & Vector128.Create(unchecked((int)0x8FFFE000));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadBFloat16(ref ushort source) =>
        (Vector128.WidenLower(Vector64.LoadUnsafe(ref source).ToVector128Unsafe()) << 16).AsSingle();

    /// <summary>
    /// <c>(v₀ + v₂) + (v₁ + v₃)</c>: the order <see cref="StoreSums4"/> adds in, so a row's score has the same bits
    /// whichever of the two reduced it (a head slice can leave a block fewer rows than the four StoreSums4 takes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value)
    {
        Vector128<float> pairs = value + Vector128.Shuffle(value, Vector128.Create(2, 3, 0, 1));
        return pairs.ToScalar() + pairs.GetElement(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums4(Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3, ref float destination)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            // t0 = [a0₀+a0₂, a1₀+a1₂, a0₁+a0₃, a1₁+a1₃], t1 likewise for a2, a3; then low halves + high halves.
            var t0 = System.Runtime.Intrinsics.X86.Sse.UnpackLow(a0, a1) + System.Runtime.Intrinsics.X86.Sse.UnpackHigh(a0, a1);
            var t1 = System.Runtime.Intrinsics.X86.Sse.UnpackLow(a2, a3) + System.Runtime.Intrinsics.X86.Sse.UnpackHigh(a2, a3);
            (System.Runtime.Intrinsics.X86.Sse.MoveLowToHigh(t0, t1) + System.Runtime.Intrinsics.X86.Sse.MoveHighToLow(t1, t0)).StoreUnsafe(ref destination);
            return;
        }

        destination = Sum(a0);
        Unsafe.Add(ref destination, 1) = Sum(a1);
        Unsafe.Add(ref destination, 2) = Sum(a2);
        Unsafe.Add(ref destination, 3) = Sum(a3);
    }
}
