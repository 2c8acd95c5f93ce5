using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TensorDsl.Cpu.Simd;

/// <summary>512-bit vectors (AVX-512); also runs, slowly, on Vector512's software fallback when forced in tests.</summary>
internal readonly struct Simd512 : ISimd<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static bool ManyRegisters => true;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> left, Vector512<float> right) => left / right;

    /// <summary>Fused where the hardware fuses (<see cref="FusedMultiplyAdd.IsHardware"/>), else multiply then add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        FusedMultiplyAdd.IsHardware ? Vector512.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> left, Vector512<float> right) => Vector512.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> value) => Vector512.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ScaleByPow2(Vector512<float> value, Vector512<float> n) =>
        Avx512F.IsSupported
            ? Avx512F.Scale(value, n)
            : value * Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle(); // the software fallback

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> left, Vector512<float> right) => Vector512.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectLess(Vector512<float> left, Vector512<float> right, Vector512<float> ifTrue, Vector512<float> ifFalse) =>
        Vector512.ConditionalSelect(Vector512.LessThan(left, right), ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectEqual(Vector512<float> left, Vector512<float> right, Vector512<float> ifTrue, Vector512<float> ifFalse) =>
        Vector512.ConditionalSelect(Vector512.Equals(left, right), ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyZero(Vector512<float> value) => Vector512.EqualsAny(value, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector512<float> value) => Vector512.EqualsAll(value - value, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadHalf(ref ushort source)
    {
        // Sign-extended and shifted by 13, the half's sign lands on the float's (bit 31; bits 28-30 copy it and are
        // cleared) and its exponent and mantissa on the float's low exponent bits and mantissa: times 2^112 that is
        // the value, subnormals included, signed by the multiply. A half exponent of all ones (±∞, NaN) becomes
        // exponent 0xFF with the payload kept. 8 operations; the former form (separate sign, an unsigned compare
        // that AVX2 emulates with max + compare-equal, a blend) took 11 (docs/benchmarks.md, "Decode").
        Vector512<int> x = ShiftedHalf(ref source);
        Vector512<float> value = x.AsSingle() * Vector512.Create(FiniteHalf.Rebias);
        Vector512<int> exponent = Vector512.Create(0x0F800000);
        Vector512<int> special = Vector512.Equals(x & exponent, exponent) & Vector512.Create(0x7F800000);
        return (value.AsInt32() | special).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadFiniteHalf(ref ushort source) =>
        LoadScaledHalf(ref source) * Vector512.Create(FiniteHalf.Rebias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadScaledHalf(ref ushort source) => ShiftedHalf(ref source).AsSingle();

    /// <summary>The halves sign-extended, shifted by 13 and masked: <see cref="LoadHalf"/>'s first three steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> ShiftedHalf(ref ushort source) =>
        (Vector512.WidenLower(Vector256.LoadUnsafe(ref Unsafe.As<ushort, short>(ref source)).ToVector512Unsafe()) << 13)
        & Vector512.Create(unchecked((int)0x8FFFE000));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadBFloat16(ref ushort source) =>
        (Vector512.WidenLower(Vector256.LoadUnsafe(ref source).ToVector512Unsafe()) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value)
    {
        // Halve the width twice with one add each, then sum four lanes: 8 instructions instead of the ~24 of
        // Vector512.Sum's lane-by-lane pairing.
        Vector256<float> half = value.GetLower() + value.GetUpper();
        return Vector128.Sum(half.GetLower() + half.GetUpper());
    }

    /// <summary>
    /// Four <see cref="Sum"/>s, with AVX-512 as one reduction tree: 512 → 256 bits for two vectors per shuffle pair,
    /// 256 → 128 for all four at once, then the four-lane sum in every 128-bit block together, 13 instructions where
    /// four <see cref="Sum"/>s take ~32. Each step adds the lanes <see cref="Sum"/> adds, in its order (lane i + lane
    /// i + 8, then i + 4, then Vector128.Sum's <c>(l₀ + l₁) + (l₂ + l₃)</c>), so a row's sum has the same bits whichever
    /// of the two reduced it (LaneSumTests). D1h −4 to −5 %, D1 −1 % (docs/benchmarks.md, "Fourth round"). An earlier
    /// fold to 256 bits followed by <see cref="Simd256.StoreSums4"/>'s transpose showed no gain and changed the order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums4(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, ref float destination)
    {
        if (Avx512F.IsSupported)
        {
            // [a0 lo256 | a1 lo256] + [a0 hi256 | a1 hi256]: each 256-bit half is one vector folded to 8 lanes.
            var t01 = Avx512F.Shuffle4x128(a0, a1, 0x44) + Avx512F.Shuffle4x128(a0, a1, 0xEE);
            var t23 = Avx512F.Shuffle4x128(a2, a3, 0x44) + Avx512F.Shuffle4x128(a2, a3, 0xEE);

            // Block k of u: vector k folded to 4 lanes (its 8-lane fold's low 128 bits + high 128 bits).
            var u = Avx512F.Shuffle4x128(t01, t23, 0x88) + Avx512F.Shuffle4x128(t01, t23, 0xDD);

            // In every block: (l0 + l1, ., l2 + l3, .), then lane 0 = (l0 + l1) + (l2 + l3).
            var pairs = u + Avx512F.Permute4x32(u, 0b10_11_00_01);
            var sums = pairs + Avx512F.Permute4x32(pairs, 0b01_00_11_10);
            Avx512F.PermuteVar16x32(sums, Vector512.Create(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .GetLower().GetLower().StoreUnsafe(ref destination);
            return;
        }

        destination = Sum(a0);
        System.Runtime.CompilerServices.Unsafe.Add(ref destination, 1) = Sum(a1);
        System.Runtime.CompilerServices.Unsafe.Add(ref destination, 2) = Sum(a2);
        System.Runtime.CompilerServices.Unsafe.Add(ref destination, 3) = Sum(a3);
    }
}
