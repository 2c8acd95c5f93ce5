using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TensorDsl.Cpu.Simd;

/// <summary>
/// Eight fp32 rows stored as columns: <c>destination[d · stride + i] = row_i[d] · scale</c> (row i starting at
/// <c>source[offsets[i]]</c>), the q block's transpose. With AVX an 8 × 8 block is eight row loads, the standard
/// unpack / shuffle / lane-permute transpose (24 shuffles) and eight 32-byte column stores, instead of 64 scalar
/// loads and stores: the packing was ~15 % of P2's kernel time one float at a time (docs/benchmarks.md, "Per-tile
/// work"). The products are the same IEEE multiplications either way, so the bits do not depend on the path.
/// </summary>
internal static class Transpose8
{
    /// <summary>See the class; the caller has checked every row's <paramref name="depth"/> floats are in bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows(ref float source, ref int offsets, int depth, ref float destination, int stride, float scale)
    {
        ref float r0 = ref Unsafe.Add(ref source, offsets);
        ref float r1 = ref Unsafe.Add(ref source, Unsafe.Add(ref offsets, 1));
        ref float r2 = ref Unsafe.Add(ref source, Unsafe.Add(ref offsets, 2));
        ref float r3 = ref Unsafe.Add(ref source, Unsafe.Add(ref offsets, 3));
        ref float r4 = ref Unsafe.Add(ref source, Unsafe.Add(ref offsets, 4));
        ref float r5 = ref Unsafe.Add(ref source, Unsafe.Add(ref offsets, 5));
        ref float r6 = ref Unsafe.Add(ref source, Unsafe.Add(ref offsets, 6));
        ref float r7 = ref Unsafe.Add(ref source, Unsafe.Add(ref offsets, 7));
        int d = 0;
        if (Avx.IsSupported)
        {
            bool scaled = scale != 1f; // 1 · x is x, but not for a signalling NaN: unscaled q is copied as it is
            var s = Vector256.Create(scale);
            for (; d + 8 <= depth; d += 8)
            {
                var t0 = Avx.UnpackLow(Load(ref r0, d), Load(ref r1, d));
                var t1 = Avx.UnpackHigh(Load(ref r0, d), Load(ref r1, d));
                var t2 = Avx.UnpackLow(Load(ref r2, d), Load(ref r3, d));
                var t3 = Avx.UnpackHigh(Load(ref r2, d), Load(ref r3, d));
                var t4 = Avx.UnpackLow(Load(ref r4, d), Load(ref r5, d));
                var t5 = Avx.UnpackHigh(Load(ref r4, d), Load(ref r5, d));
                var t6 = Avx.UnpackLow(Load(ref r6, d), Load(ref r7, d));
                var t7 = Avx.UnpackHigh(Load(ref r6, d), Load(ref r7, d));
                var u0 = Avx.Shuffle(t0, t2, 0x44);
                var u1 = Avx.Shuffle(t0, t2, 0xEE);
                var u2 = Avx.Shuffle(t1, t3, 0x44);
                var u3 = Avx.Shuffle(t1, t3, 0xEE);
                var u4 = Avx.Shuffle(t4, t6, 0x44);
                var u5 = Avx.Shuffle(t4, t6, 0xEE);
                var u6 = Avx.Shuffle(t5, t7, 0x44);
                var u7 = Avx.Shuffle(t5, t7, 0xEE);
                ref float column = ref Unsafe.Add(ref destination, d * stride);
                Store(Avx.Permute2x128(u0, u4, 0x20), ref column, 0, stride, scaled, s);
                Store(Avx.Permute2x128(u1, u5, 0x20), ref column, 1, stride, scaled, s);
                Store(Avx.Permute2x128(u2, u6, 0x20), ref column, 2, stride, scaled, s);
                Store(Avx.Permute2x128(u3, u7, 0x20), ref column, 3, stride, scaled, s);
                Store(Avx.Permute2x128(u0, u4, 0x31), ref column, 4, stride, scaled, s);
                Store(Avx.Permute2x128(u1, u5, 0x31), ref column, 5, stride, scaled, s);
                Store(Avx.Permute2x128(u2, u6, 0x31), ref column, 6, stride, scaled, s);
                Store(Avx.Permute2x128(u3, u7, 0x31), ref column, 7, stride, scaled, s);
            }
        }

        for (; d < depth; d++)
        {
            ref float column = ref Unsafe.Add(ref destination, d * stride);
            column = Scale(Unsafe.Add(ref r0, d), scale);
            Unsafe.Add(ref column, 1) = Scale(Unsafe.Add(ref r1, d), scale);
            Unsafe.Add(ref column, 2) = Scale(Unsafe.Add(ref r2, d), scale);
            Unsafe.Add(ref column, 3) = Scale(Unsafe.Add(ref r3, d), scale);
            Unsafe.Add(ref column, 4) = Scale(Unsafe.Add(ref r4, d), scale);
            Unsafe.Add(ref column, 5) = Scale(Unsafe.Add(ref r5, d), scale);
            Unsafe.Add(ref column, 6) = Scale(Unsafe.Add(ref r6, d), scale);
            Unsafe.Add(ref column, 7) = Scale(Unsafe.Add(ref r7, d), scale);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Scale(float value, float scale) => scale != 1f ? value * scale : value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float row, int d) => Vector256.LoadUnsafe(ref row, (nuint)d);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> column, ref float destination, int k, int stride, bool scaled, Vector256<float> scale) =>
        (scaled ? column * scale : column).StoreUnsafe(ref destination, (nuint)(k * stride));
}
