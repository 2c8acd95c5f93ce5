using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorDsl.Cpu.Simd;

/// <summary>
/// The vector operations the attention tiles are written against, once, for every width: a struct per width
/// (<see cref="Simd512"/>, <see cref="Simd256"/>, <see cref="Simd128"/>, <see cref="SimdScalar"/>) implements them
/// over its own vector type <typeparamref name="TV"/>, and the tiles are instantiated per struct, so each
/// instantiation is straight-line code on one register width (the operator-struct pattern of
/// System.Numerics.Tensors' TensorPrimitives). Locals stay <typeparamref name="TV"/>, never a wrapper.
/// </summary>
internal interface ISimd<TV>
    where TV : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    /// <summary>
    /// Whether 32 vector registers are available (AVX-512, Arm): the micro-kernels then keep 16 accumulators in
    /// flight instead of 8.
    /// </summary>
    static abstract bool ManyRegisters { get; }

    static abstract TV Zero { get; }

    static abstract TV Broadcast(float value);

    /// <summary>Loads <see cref="Count"/> floats; the caller has checked they are in bounds.</summary>
    static abstract TV Load(ref float source);

    static abstract void Store(TV value, ref float destination);

    static abstract TV Add(TV left, TV right);

    static abstract TV Subtract(TV left, TV right);

    static abstract TV Multiply(TV left, TV right);

    static abstract TV Divide(TV left, TV right);

    /// <summary><c>a · b + c</c>: fused (one rounding) where the hardware has FMA, else multiply then add (<see cref="FusedMultiplyAdd"/>).</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    /// <summary>The larger lane; which operand a NaN lane yields is unspecified (the softmax lets NaN through <c>exp</c>).</summary>
    static abstract TV Max(TV left, TV right);

    /// <summary>Round to the nearest integer, ties to even.</summary>
    static abstract TV Round(TV value);

    /// <summary>
    /// <c>value · 2^n</c> for integral <paramref name="n"/> in [−126, 0], rounded once as the product is: AVX-512's
    /// <c>vscalefps</c> in one instruction, else a multiply by <c>2^n</c> built in the exponent bits (exact, as n
    /// stays in the normal range), so both give the same bits.
    /// </summary>
    static abstract TV ScaleByPow2(TV value, TV n);

    /// <summary>The smaller lane; where either lane is NaN, <paramref name="right"/>'s lane (x86 <c>minps</c>).</summary>
    static abstract TV Min(TV left, TV right);

    /// <summary>Per lane: <paramref name="ifTrue"/> where <c>left &lt; right</c>, else <paramref name="ifFalse"/>.</summary>
    static abstract TV SelectLess(TV left, TV right, TV ifTrue, TV ifFalse);

    /// <summary>Per lane: <paramref name="ifTrue"/> where <c>left == right</c>, else <paramref name="ifFalse"/>.</summary>
    static abstract TV SelectEqual(TV left, TV right, TV ifTrue, TV ifFalse);

    /// <summary>Whether any lane of <paramref name="value"/> is exactly 0.</summary>
    static abstract bool AnyZero(TV value);

    /// <summary>Whether every lane is finite (not ±∞, not NaN).</summary>
    static abstract bool AllFinite(TV value);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TV value);

    /// <summary>
    /// The lane sums of four vectors, stored to <c>destination[0..3]</c>: a decode's four rows of one key, reduced
    /// together (halving the width with one add per vector, then one 4 × 4 transpose-and-add) in about half the
    /// instructions of four <see cref="Sum"/>s. Each slot has exactly the bits <see cref="Sum"/> gives that vector: which
    /// of the two reduces a row depends on how many rows its block has, and a head slice must not change a bit.
    /// </summary>
    static abstract void StoreSums4(TV a0, TV a1, TV a2, TV a3, ref float destination);

    /// <summary>
    /// <see cref="Count"/> IEEE binary16 values (raw bits) widened exactly to floats, in registers: normals and
    /// subnormals by rebiasing the exponent with one multiply by 2^112, ±∞ and NaN (payload kept) by forcing the
    /// exponent to all ones.
    /// </summary>
    static abstract TV LoadHalf(ref ushort source);

    /// <summary>
    /// <see cref="LoadHalf"/> for values known to be finite (<see cref="FiniteHalf"/>): the same bits for every finite
    /// half, without the steps that force ±∞ and NaN's exponent (4 operations of 8; docs/design.md, "Where K/V are read").
    /// </summary>
    static abstract TV LoadFiniteHalf(ref ushort source);

    /// <summary>
    /// <see cref="LoadFiniteHalf"/> without its rebiasing multiply: finite halves as their values times 2^-112, exactly
    /// (<see cref="ScaledHalf"/>; 3 operations).
    /// </summary>
    static abstract TV LoadScaledHalf(ref ushort source);

    /// <summary><see cref="Count"/> bfloat16 values (raw bits) widened exactly to floats: the bits become the upper half.</summary>
    static abstract TV LoadBFloat16(ref ushort source);
}

/// <summary>Vector math written once over <see cref="ISimd{TV}"/>.</summary>
internal static class VectorMath<TSimd, TV>
    where TSimd : struct, ISimd<TV>
    where TV : struct
{
    /// <summary>
    /// <c>e^x</c> for <c>x ≤ 0</c> (the softmax's only use): Cody–Waite range reduction <c>x = n·ln2 + r</c>,
    /// <c>|r| ≤ ln2/2</c>, and a degree-6 polynomial for <c>e^r</c>. Relative error ≤ 2 ulp over [−87.3, 0]
    /// (tested against <see cref="System.Math.Exp(double)"/>); <c>x &lt; −87.3</c> (results below the smallest
    /// normal float) and <c>−∞</c> give exactly 0; NaN gives NaN. See docs/design.md, "Vectorised exp".
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp(TV x)
    {
        TV n = TSimd.Round(TSimd.Multiply(x, TSimd.Broadcast(1.44269504f)));
        n = TSimd.Max(n, TSimd.Broadcast(-126f)); // 2^n stays a normal float; the select below zeroes those lanes
        TV r = TSimd.MultiplyAdd(n, TSimd.Broadcast(-0.693359375f), x);
        r = TSimd.MultiplyAdd(n, TSimd.Broadcast(2.12194440e-4f), r);
        TV p = TSimd.Broadcast(1.9875691500e-4f);
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(1.3981999507e-3f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(8.3334519073e-3f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(4.1665795894e-2f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(1.6666665459e-1f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(5.0000001201e-1f));
        p = TSimd.MultiplyAdd(p, TSimd.Multiply(r, r), TSimd.Add(r, TSimd.Broadcast(1f)));
        TV result = TSimd.ScaleByPow2(p, n);
        return TSimd.SelectLess(x, TSimd.Broadcast(-87.3f), TSimd.Zero, result);
    }

    /// <summary>
    /// <c>destination[x] = (float)source[x]</c> for a float, Half or BFloat16 row, a vector at a time in registers
    /// (no call per row, no per-element conversion), the tail one element at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen<T>(ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged
    {
        destination = destination.Slice(0, source.Length);
        if (typeof(T) == typeof(float))
        {
            MemoryMarshal.Cast<T, float>(source).CopyTo(destination);
            return;
        }

        var bits = MemoryMarshal.Cast<T, ushort>(source);
        ref ushort from = ref MemoryMarshal.GetReference(bits);
        ref float to = ref MemoryMarshal.GetReference(destination);
        int x = 0;
        for (; x + TSimd.Count <= bits.Length; x += TSimd.Count)
        {
            TV value = typeof(T) == typeof(Half)
                ? TSimd.LoadHalf(ref Unsafe.Add(ref from, x))
                : TSimd.LoadBFloat16(ref Unsafe.Add(ref from, x));
            TSimd.Store(value, ref Unsafe.Add(ref to, x));
        }

        for (; x < bits.Length; x++)
        {
            Unsafe.Add(ref to, x) = typeof(T) == typeof(Half)
                ? (float)BitConverter.UInt16BitsToHalf(bits[x])
                : BitConverter.Int32BitsToSingle(bits[x] << 16);
        }
    }
}
