using System;
using System.Runtime.CompilerServices;

namespace TensorDsl.Cpu.Simd;

/// <summary>
/// The register-blocked micro-kernels of one attention tile, written once over <see cref="ISimd{TV}"/>.
/// Queries run along the vector lanes: the q block is stored transposed, <c>qt[d · rows + r]</c>, so one key's
/// scores for a whole vector of query rows are a chain of broadcast-FMAs over d — no horizontal sums, and the
/// softmax statistics of a vector of rows update lane-wise. Every caller has checked that each row and offset it
/// passes is in bounds for the lengths named below; these loops read and write exactly those elements.
/// </summary>
internal static class TileKernels<TSimd, TV>
    where TSimd : struct, ISimd<TV>
    where TV : struct
{
    /// <summary>
    /// The register-blocked micro-kernels are compiled on their own, fully optimised from the first call: inlined into
    /// <see cref="Scores"/> or <see cref="Values"/> they exhaust the JIT's inlining budget for the caller, which then
    /// leaves <c>ISimd</c>'s one-instruction methods as calls (seen on the 128-bit path: a call per FMA). A call per
    /// micro-kernel pass (hundreds of FMAs) costs nothing measurable.
    /// </summary>
    private const MethodImplOptions MicroKernel = MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization;

    /// <summary>One vector of a stored float, Half (or <see cref="FiniteHalf"/>, <see cref="ScaledHalf"/>) or BFloat16 row, widened in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LoadAs<TE>(ref TE source)
        where TE : unmanaged
    {
        if (typeof(TE) == typeof(float)) return TSimd.Load(ref Unsafe.As<TE, float>(ref source));
        if (typeof(TE) == typeof(Half)) return TSimd.LoadHalf(ref Unsafe.As<TE, ushort>(ref source));
        if (typeof(TE) == typeof(FiniteHalf)) return TSimd.LoadFiniteHalf(ref Unsafe.As<TE, ushort>(ref source));
        if (typeof(TE) == typeof(ScaledHalf)) return TSimd.LoadScaledHalf(ref Unsafe.As<TE, ushort>(ref source));
        return TSimd.LoadBFloat16(ref Unsafe.As<TE, ushort>(ref source));
    }

    /// <summary>One element of a stored float, Half or BFloat16 row as float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ToFloat<TE>(ref TE source)
        where TE : unmanaged
    {
        if (typeof(TE) == typeof(float)) return Unsafe.As<TE, float>(ref source);
        if (typeof(TE) == typeof(Half) || typeof(TE) == typeof(FiniteHalf)) return (float)Unsafe.As<TE, Half>(ref source);
        if (typeof(TE) == typeof(ScaledHalf)) return (float)Unsafe.As<TE, Half>(ref source) * ScaledHalf.Unbias;
        return BitConverter.Int32BitsToSingle(Unsafe.As<TE, ushort>(ref source) << 16);
    }

    /// <summary>
    /// <c>s[j · stride + r] = Σ_d qt[d · stride + r] · key_j[d]</c> for keys <c>j &lt; count</c> and rows
    /// <c>r &lt; rows</c>, where key j's <paramref name="depth"/> floats start at <c>keys[keyOffsets[j]]</c>: the
    /// whole of a block (<c>rows = stride</c>) or a run of its rows (qt and s advanced to the run's first row).
    /// <paramref name="rows"/> is a multiple of the vector width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scores(ref float qt, int stride, int rows, int depth, ref float keys, ReadOnlySpan<int> keyOffsets, int count, ref float s)
    {
        int w = TSimd.Count;
        int j = 0;
        if (rows == w)
        {
            // One vector of rows (decode, small groups): eight keys at a time keep eight FMA chains in flight.
            for (; j + 8 <= count; j += 8)
            {
                Scores1x8(ref qt, stride, depth, ref keys, keyOffsets.Slice(j, 8), ref Unsafe.Add(ref s, j * stride));
            }
        }

        else if (TSimd.ManyRegisters)
        {
            // Eight keys × two vectors of rows: each pass over qt serves eight keys, halving the q traffic of 4 × 4.
            for (; j + 8 <= count; j += 8)
            {
                var eight = keyOffsets.Slice(j, 8);
                ref float sj = ref Unsafe.Add(ref s, j * stride);
                int r = 0;
                for (; r + 2 * w <= rows; r += 2 * w)
                {
                    Scores2x8(ref Unsafe.Add(ref qt, r), stride, depth, ref keys, eight, ref Unsafe.Add(ref sj, r));
                }

                for (; r < rows; r += w)
                {
                    Scores1x8(ref Unsafe.Add(ref qt, r), stride, depth, ref keys, eight, ref Unsafe.Add(ref sj, r));
                }
            }
        }

        for (; j + 4 <= count; j += 4)
        {
            ref float k0 = ref Unsafe.Add(ref keys, keyOffsets[j]);
            ref float k1 = ref Unsafe.Add(ref keys, keyOffsets[j + 1]);
            ref float k2 = ref Unsafe.Add(ref keys, keyOffsets[j + 2]);
            ref float k3 = ref Unsafe.Add(ref keys, keyOffsets[j + 3]);
            ref float sj = ref Unsafe.Add(ref s, j * stride);
            int r = 0;
            if (TSimd.ManyRegisters)
            {
                for (; r + 4 * w <= rows; r += 4 * w)
                {
                    Scores4x4(ref Unsafe.Add(ref qt, r), stride, depth, ref k0, ref k1, ref k2, ref k3, ref Unsafe.Add(ref sj, r));
                }
            }
            else
            {
                // 16 vector registers (AVX2, SSE): 12 accumulators, 3 q vectors and the broadcast key fill them exactly.
                for (; r + 3 * w <= rows; r += 3 * w)
                {
                    Scores3x4(ref Unsafe.Add(ref qt, r), stride, depth, ref k0, ref k1, ref k2, ref k3, ref Unsafe.Add(ref sj, r));
                }
            }

            for (; r + 2 * w <= rows; r += 2 * w)
            {
                Scores2x4(ref Unsafe.Add(ref qt, r), stride, depth, ref k0, ref k1, ref k2, ref k3, ref Unsafe.Add(ref sj, r));
            }

            for (; r < rows; r += w)
            {
                Scores1x4(ref Unsafe.Add(ref qt, r), stride, depth, ref k0, ref k1, ref k2, ref k3, ref Unsafe.Add(ref sj, r));
            }
        }

        for (; j < count; j++)
        {
            ref float key = ref Unsafe.Add(ref keys, keyOffsets[j]);
            ref float sj = ref Unsafe.Add(ref s, j * stride);
            for (int r = 0; r < rows; r += w)
            {
                TV acc = TSimd.Zero;
                ref float q = ref Unsafe.Add(ref qt, r);
                for (int d = 0; d < depth; d++)
                {
                    acc = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref q, d * stride)), TSimd.Broadcast(Unsafe.Add(ref key, d)), acc);
                }

                TSimd.Store(acc, ref Unsafe.Add(ref sj, r));
            }
        }
    }

    /// <summary>
    /// The same scores as <see cref="Scores"/> for a block of few rows (decode: one row per query head of a group),
    /// as dot products along d: <c>qRows[r · depth + d]</c> row-major, one vector of partial sums per row, summed
    /// across lanes at the end. With a handful of rows this does a quarter of the multiplies the lane-per-row form
    /// would (whose lanes would mostly be padding). <paramref name="lanes"/> is the stride of <paramref name="s"/>
    /// per key; padding lanes <c>rows ≤ r &lt; padTo</c> get 0 (a KV-head bundle passes <c>padTo = rows</c>: the
    /// lanes after its group's rows belong to the next group).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoresByDot<TE>(ref float qRows, int rows, int lanes, int padTo, int depth, ref TE keys, ReadOnlySpan<int> keyOffsets, int count, ref float s)
        where TE : unmanaged
    {
        int w = TSimd.Count;
        int whole = depth - depth % w;
        int j = 0;
        if (rows == 4 || rows == 8)
        {
            // The common GQA decode groups: two keys per pass share every q load and keep eight sums in flight.
            for (; j + 2 <= count; j += 2)
            {
                ref TE key0 = ref Unsafe.Add(ref keys, keyOffsets[j]);
                ref TE key1 = ref Unsafe.Add(ref keys, keyOffsets[j + 1]);
                for (int r = 0; r < rows; r += 4)
                {
                    DotTwoKeysFourRows(ref Unsafe.Add(ref qRows, r * depth), depth, whole, ref key0, ref key1, ref Unsafe.Add(ref s, j * lanes + r), lanes);
                }

                for (int r = rows; r < padTo; r++)
                {
                    Unsafe.Add(ref s, j * lanes + r) = 0f;
                    Unsafe.Add(ref s, (j + 1) * lanes + r) = 0f;
                }
            }
        }

        for (; j < count; j++)
        {
            ref TE key = ref Unsafe.Add(ref keys, keyOffsets[j]);
            ref float sj = ref Unsafe.Add(ref s, j * lanes);
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                ref float q0 = ref Unsafe.Add(ref qRows, r * depth);
                ref float q1 = ref Unsafe.Add(ref q0, depth);
                ref float q2 = ref Unsafe.Add(ref q1, depth);
                ref float q3 = ref Unsafe.Add(ref q2, depth);
                TV a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero;
                for (int d = 0; d < whole; d += w)
                {
                    TV k = LoadAs(ref Unsafe.Add(ref key, d));
                    a0 = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref q0, d)), k, a0);
                    a1 = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref q1, d)), k, a1);
                    a2 = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref q2, d)), k, a2);
                    a3 = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref q3, d)), k, a3);
                }

                TSimd.StoreSums4(a0, a1, a2, a3, ref Unsafe.Add(ref sj, r));
            }

            for (; r < rows; r++)
            {
                ref float q = ref Unsafe.Add(ref qRows, r * depth);
                TV acc = TSimd.Zero;
                for (int d = 0; d < whole; d += w)
                {
                    acc = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref q, d)), LoadAs(ref Unsafe.Add(ref key, d)), acc);
                }

                Unsafe.Add(ref sj, r) = TSimd.Sum(acc);
            }

            for (; r < padTo; r++)
            {
                Unsafe.Add(ref sj, r) = 0f;
            }
        }

        if (whole < depth)
        {
            // The head-dim elements past the last whole vector, in a pass of their own: the element conversion
            // they need is a call for Half, which would make the loop above spill its accumulators.
            for (int t = 0; t < count; t++)
            {
                ref TE key = ref Unsafe.Add(ref keys, keyOffsets[t]);
                for (int r = 0; r < rows; r++)
                {
                    Unsafe.Add(ref s, t * lanes + r) += Tail(ref Unsafe.Add(ref qRows, r * depth), ref key, whole, depth);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotTwoKeysFourRows<TE>(ref float q0, int depth, int whole, ref TE key0, ref TE key1, ref float s, int lanes)
        where TE : unmanaged
    {
        ref float q1 = ref Unsafe.Add(ref q0, depth);
        ref float q2 = ref Unsafe.Add(ref q1, depth);
        ref float q3 = ref Unsafe.Add(ref q2, depth);
        TV a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero;
        TV b0 = TSimd.Zero, b1 = TSimd.Zero, b2 = TSimd.Zero, b3 = TSimd.Zero;
        for (int d = 0; d < whole; d += TSimd.Count)
        {
            TV k0 = LoadAs(ref Unsafe.Add(ref key0, d));
            TV k1 = LoadAs(ref Unsafe.Add(ref key1, d));
            TV x = TSimd.Load(ref Unsafe.Add(ref q0, d));
            a0 = TSimd.MultiplyAdd(x, k0, a0);
            b0 = TSimd.MultiplyAdd(x, k1, b0);
            x = TSimd.Load(ref Unsafe.Add(ref q1, d));
            a1 = TSimd.MultiplyAdd(x, k0, a1);
            b1 = TSimd.MultiplyAdd(x, k1, b1);
            x = TSimd.Load(ref Unsafe.Add(ref q2, d));
            a2 = TSimd.MultiplyAdd(x, k0, a2);
            b2 = TSimd.MultiplyAdd(x, k1, b2);
            x = TSimd.Load(ref Unsafe.Add(ref q3, d));
            a3 = TSimd.MultiplyAdd(x, k0, a3);
            b3 = TSimd.MultiplyAdd(x, k1, b3);
        }

        TSimd.StoreSums4(a0, a1, a2, a3, ref s);
        TSimd.StoreSums4(b0, b1, b2, b3, ref Unsafe.Add(ref s, lanes));
    }

    /// <summary>The part of a dot product past the last whole vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail<TE>(ref float q, ref TE key, int from, int depth)
        where TE : unmanaged
    {
        float sum = 0f;
        for (int d = from; d < depth; d++)
        {
            sum = FusedMultiplyAdd.Scalar(Unsafe.Add(ref q, d), ToFloat(ref Unsafe.Add(ref key, d)), sum);
        }

        return sum;
    }

    [MethodImpl(MicroKernel)]
    private static void Scores2x8(ref float q, int rows, int depth, ref float keys, ReadOnlySpan<int> offsets, ref float s)
    {
        int w = TSimd.Count;
        ref float k0 = ref Unsafe.Add(ref keys, offsets[0]);
        ref float k1 = ref Unsafe.Add(ref keys, offsets[1]);
        ref float k2 = ref Unsafe.Add(ref keys, offsets[2]);
        ref float k3 = ref Unsafe.Add(ref keys, offsets[3]);
        ref float k4 = ref Unsafe.Add(ref keys, offsets[4]);
        ref float k5 = ref Unsafe.Add(ref keys, offsets[5]);
        ref float k6 = ref Unsafe.Add(ref keys, offsets[6]);
        ref float k7 = ref Unsafe.Add(ref keys, offsets[7]);
        TV a00 = TSimd.Zero, a01 = TSimd.Zero, a10 = TSimd.Zero, a11 = TSimd.Zero;
        TV a20 = TSimd.Zero, a21 = TSimd.Zero, a30 = TSimd.Zero, a31 = TSimd.Zero;
        TV a40 = TSimd.Zero, a41 = TSimd.Zero, a50 = TSimd.Zero, a51 = TSimd.Zero;
        TV a60 = TSimd.Zero, a61 = TSimd.Zero, a70 = TSimd.Zero, a71 = TSimd.Zero;
        for (int d = 0; d < depth; d++)
        {
            ref float qd = ref Unsafe.Add(ref q, d * rows);
            TV q0 = TSimd.Load(ref qd);
            TV q1 = TSimd.Load(ref Unsafe.Add(ref qd, w));
            TV b = TSimd.Broadcast(Unsafe.Add(ref k0, d));
            a00 = TSimd.MultiplyAdd(q0, b, a00);
            a01 = TSimd.MultiplyAdd(q1, b, a01);
            b = TSimd.Broadcast(Unsafe.Add(ref k1, d));
            a10 = TSimd.MultiplyAdd(q0, b, a10);
            a11 = TSimd.MultiplyAdd(q1, b, a11);
            b = TSimd.Broadcast(Unsafe.Add(ref k2, d));
            a20 = TSimd.MultiplyAdd(q0, b, a20);
            a21 = TSimd.MultiplyAdd(q1, b, a21);
            b = TSimd.Broadcast(Unsafe.Add(ref k3, d));
            a30 = TSimd.MultiplyAdd(q0, b, a30);
            a31 = TSimd.MultiplyAdd(q1, b, a31);
            b = TSimd.Broadcast(Unsafe.Add(ref k4, d));
            a40 = TSimd.MultiplyAdd(q0, b, a40);
            a41 = TSimd.MultiplyAdd(q1, b, a41);
            b = TSimd.Broadcast(Unsafe.Add(ref k5, d));
            a50 = TSimd.MultiplyAdd(q0, b, a50);
            a51 = TSimd.MultiplyAdd(q1, b, a51);
            b = TSimd.Broadcast(Unsafe.Add(ref k6, d));
            a60 = TSimd.MultiplyAdd(q0, b, a60);
            a61 = TSimd.MultiplyAdd(q1, b, a61);
            b = TSimd.Broadcast(Unsafe.Add(ref k7, d));
            a70 = TSimd.MultiplyAdd(q0, b, a70);
            a71 = TSimd.MultiplyAdd(q1, b, a71);
        }

        TSimd.Store(a00, ref s);
        TSimd.Store(a01, ref Unsafe.Add(ref s, w));
        TSimd.Store(a10, ref Unsafe.Add(ref s, rows));
        TSimd.Store(a11, ref Unsafe.Add(ref s, rows + w));
        TSimd.Store(a20, ref Unsafe.Add(ref s, 2 * rows));
        TSimd.Store(a21, ref Unsafe.Add(ref s, 2 * rows + w));
        TSimd.Store(a30, ref Unsafe.Add(ref s, 3 * rows));
        TSimd.Store(a31, ref Unsafe.Add(ref s, 3 * rows + w));
        TSimd.Store(a40, ref Unsafe.Add(ref s, 4 * rows));
        TSimd.Store(a41, ref Unsafe.Add(ref s, 4 * rows + w));
        TSimd.Store(a50, ref Unsafe.Add(ref s, 5 * rows));
        TSimd.Store(a51, ref Unsafe.Add(ref s, 5 * rows + w));
        TSimd.Store(a60, ref Unsafe.Add(ref s, 6 * rows));
        TSimd.Store(a61, ref Unsafe.Add(ref s, 6 * rows + w));
        TSimd.Store(a70, ref Unsafe.Add(ref s, 7 * rows));
        TSimd.Store(a71, ref Unsafe.Add(ref s, 7 * rows + w));
    }

    [MethodImpl(MicroKernel)]
    private static void Scores4x4(ref float q, int rows, int depth, ref float k0, ref float k1, ref float k2, ref float k3, ref float s)
    {
        int w = TSimd.Count;
        TV a00 = TSimd.Zero, a01 = TSimd.Zero, a02 = TSimd.Zero, a03 = TSimd.Zero;
        TV a10 = TSimd.Zero, a11 = TSimd.Zero, a12 = TSimd.Zero, a13 = TSimd.Zero;
        TV a20 = TSimd.Zero, a21 = TSimd.Zero, a22 = TSimd.Zero, a23 = TSimd.Zero;
        TV a30 = TSimd.Zero, a31 = TSimd.Zero, a32 = TSimd.Zero, a33 = TSimd.Zero;
        for (int d = 0; d < depth; d++)
        {
            ref float qd = ref Unsafe.Add(ref q, d * rows);
            TV q0 = TSimd.Load(ref qd);
            TV q1 = TSimd.Load(ref Unsafe.Add(ref qd, w));
            TV q2 = TSimd.Load(ref Unsafe.Add(ref qd, 2 * w));
            TV q3 = TSimd.Load(ref Unsafe.Add(ref qd, 3 * w));
            TV b = TSimd.Broadcast(Unsafe.Add(ref k0, d));
            a00 = TSimd.MultiplyAdd(q0, b, a00);
            a01 = TSimd.MultiplyAdd(q1, b, a01);
            a02 = TSimd.MultiplyAdd(q2, b, a02);
            a03 = TSimd.MultiplyAdd(q3, b, a03);
            b = TSimd.Broadcast(Unsafe.Add(ref k1, d));
            a10 = TSimd.MultiplyAdd(q0, b, a10);
            a11 = TSimd.MultiplyAdd(q1, b, a11);
            a12 = TSimd.MultiplyAdd(q2, b, a12);
            a13 = TSimd.MultiplyAdd(q3, b, a13);
            b = TSimd.Broadcast(Unsafe.Add(ref k2, d));
            a20 = TSimd.MultiplyAdd(q0, b, a20);
            a21 = TSimd.MultiplyAdd(q1, b, a21);
            a22 = TSimd.MultiplyAdd(q2, b, a22);
            a23 = TSimd.MultiplyAdd(q3, b, a23);
            b = TSimd.Broadcast(Unsafe.Add(ref k3, d));
            a30 = TSimd.MultiplyAdd(q0, b, a30);
            a31 = TSimd.MultiplyAdd(q1, b, a31);
            a32 = TSimd.MultiplyAdd(q2, b, a32);
            a33 = TSimd.MultiplyAdd(q3, b, a33);
        }

        Store4(a00, a01, a02, a03, ref s);
        Store4(a10, a11, a12, a13, ref Unsafe.Add(ref s, rows));
        Store4(a20, a21, a22, a23, ref Unsafe.Add(ref s, 2 * rows));
        Store4(a30, a31, a32, a33, ref Unsafe.Add(ref s, 3 * rows));
    }

    /// <summary>
    /// Three vectors of rows × four keys: the 16-register shape (12 accumulators + 3 q loads + 1 broadcast), 7 loads
    /// per 12 FMAs where 2 × 4 needs 6 per 8. The q pointer advances by <paramref name="rows"/> per step (no multiply
    /// in the loop).
    /// </summary>
    [MethodImpl(MicroKernel)]
    private static void Scores3x4(ref float q, int rows, int depth, ref float k0, ref float k1, ref float k2, ref float k3, ref float s)
    {
        int w = TSimd.Count;
        TV a00 = TSimd.Zero, a01 = TSimd.Zero, a02 = TSimd.Zero;
        TV a10 = TSimd.Zero, a11 = TSimd.Zero, a12 = TSimd.Zero;
        TV a20 = TSimd.Zero, a21 = TSimd.Zero, a22 = TSimd.Zero;
        TV a30 = TSimd.Zero, a31 = TSimd.Zero, a32 = TSimd.Zero;
        ref float qd = ref q;
        for (int d = 0; d < depth; d++)
        {
            TV q0 = TSimd.Load(ref qd);
            TV q1 = TSimd.Load(ref Unsafe.Add(ref qd, w));
            TV q2 = TSimd.Load(ref Unsafe.Add(ref qd, 2 * w));
            qd = ref Unsafe.Add(ref qd, rows);
            TV b = TSimd.Broadcast(Unsafe.Add(ref k0, d));
            a00 = TSimd.MultiplyAdd(q0, b, a00);
            a01 = TSimd.MultiplyAdd(q1, b, a01);
            a02 = TSimd.MultiplyAdd(q2, b, a02);
            b = TSimd.Broadcast(Unsafe.Add(ref k1, d));
            a10 = TSimd.MultiplyAdd(q0, b, a10);
            a11 = TSimd.MultiplyAdd(q1, b, a11);
            a12 = TSimd.MultiplyAdd(q2, b, a12);
            b = TSimd.Broadcast(Unsafe.Add(ref k2, d));
            a20 = TSimd.MultiplyAdd(q0, b, a20);
            a21 = TSimd.MultiplyAdd(q1, b, a21);
            a22 = TSimd.MultiplyAdd(q2, b, a22);
            b = TSimd.Broadcast(Unsafe.Add(ref k3, d));
            a30 = TSimd.MultiplyAdd(q0, b, a30);
            a31 = TSimd.MultiplyAdd(q1, b, a31);
            a32 = TSimd.MultiplyAdd(q2, b, a32);
        }

        Store3(a00, a01, a02, ref s);
        Store3(a10, a11, a12, ref Unsafe.Add(ref s, rows));
        Store3(a20, a21, a22, ref Unsafe.Add(ref s, 2 * rows));
        Store3(a30, a31, a32, ref Unsafe.Add(ref s, 3 * rows));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(TV a0, TV a1, TV a2, ref float destination)
    {
        int w = TSimd.Count;
        TSimd.Store(a0, ref destination);
        TSimd.Store(a1, ref Unsafe.Add(ref destination, w));
        TSimd.Store(a2, ref Unsafe.Add(ref destination, 2 * w));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(TV a0, TV a1, TV a2, TV a3, ref float destination)
    {
        int w = TSimd.Count;
        TSimd.Store(a0, ref destination);
        TSimd.Store(a1, ref Unsafe.Add(ref destination, w));
        TSimd.Store(a2, ref Unsafe.Add(ref destination, 2 * w));
        TSimd.Store(a3, ref Unsafe.Add(ref destination, 3 * w));
    }

    [MethodImpl(MicroKernel)]
    private static void Scores2x4(ref float q, int rows, int depth, ref float k0, ref float k1, ref float k2, ref float k3, ref float s)
    {
        int w = TSimd.Count;
        TV a00 = TSimd.Zero, a01 = TSimd.Zero, a10 = TSimd.Zero, a11 = TSimd.Zero;
        TV a20 = TSimd.Zero, a21 = TSimd.Zero, a30 = TSimd.Zero, a31 = TSimd.Zero;
        for (int d = 0; d < depth; d++)
        {
            ref float qd = ref Unsafe.Add(ref q, d * rows);
            TV q0 = TSimd.Load(ref qd);
            TV q1 = TSimd.Load(ref Unsafe.Add(ref qd, w));
            TV b = TSimd.Broadcast(Unsafe.Add(ref k0, d));
            a00 = TSimd.MultiplyAdd(q0, b, a00);
            a01 = TSimd.MultiplyAdd(q1, b, a01);
            b = TSimd.Broadcast(Unsafe.Add(ref k1, d));
            a10 = TSimd.MultiplyAdd(q0, b, a10);
            a11 = TSimd.MultiplyAdd(q1, b, a11);
            b = TSimd.Broadcast(Unsafe.Add(ref k2, d));
            a20 = TSimd.MultiplyAdd(q0, b, a20);
            a21 = TSimd.MultiplyAdd(q1, b, a21);
            b = TSimd.Broadcast(Unsafe.Add(ref k3, d));
            a30 = TSimd.MultiplyAdd(q0, b, a30);
            a31 = TSimd.MultiplyAdd(q1, b, a31);
        }

        TSimd.Store(a00, ref s);
        TSimd.Store(a01, ref Unsafe.Add(ref s, w));
        TSimd.Store(a10, ref Unsafe.Add(ref s, rows));
        TSimd.Store(a11, ref Unsafe.Add(ref s, rows + w));
        TSimd.Store(a20, ref Unsafe.Add(ref s, 2 * rows));
        TSimd.Store(a21, ref Unsafe.Add(ref s, 2 * rows + w));
        TSimd.Store(a30, ref Unsafe.Add(ref s, 3 * rows));
        TSimd.Store(a31, ref Unsafe.Add(ref s, 3 * rows + w));
    }

    [MethodImpl(MicroKernel)]
    private static void Scores1x4(ref float q, int rows, int depth, ref float k0, ref float k1, ref float k2, ref float k3, ref float s)
    {
        TV a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero;
        for (int d = 0; d < depth; d++)
        {
            TV q0 = TSimd.Load(ref Unsafe.Add(ref q, d * rows));
            a0 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k0, d)), a0);
            a1 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k1, d)), a1);
            a2 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k2, d)), a2);
            a3 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k3, d)), a3);
        }

        TSimd.Store(a0, ref s);
        TSimd.Store(a1, ref Unsafe.Add(ref s, rows));
        TSimd.Store(a2, ref Unsafe.Add(ref s, 2 * rows));
        TSimd.Store(a3, ref Unsafe.Add(ref s, 3 * rows));
    }

    [MethodImpl(MicroKernel)]
    private static void Scores1x8(ref float q, int rows, int depth, ref float keys, ReadOnlySpan<int> offsets, ref float s)
    {
        ref float k0 = ref Unsafe.Add(ref keys, offsets[0]);
        ref float k1 = ref Unsafe.Add(ref keys, offsets[1]);
        ref float k2 = ref Unsafe.Add(ref keys, offsets[2]);
        ref float k3 = ref Unsafe.Add(ref keys, offsets[3]);
        ref float k4 = ref Unsafe.Add(ref keys, offsets[4]);
        ref float k5 = ref Unsafe.Add(ref keys, offsets[5]);
        ref float k6 = ref Unsafe.Add(ref keys, offsets[6]);
        ref float k7 = ref Unsafe.Add(ref keys, offsets[7]);
        TV a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero;
        TV a4 = TSimd.Zero, a5 = TSimd.Zero, a6 = TSimd.Zero, a7 = TSimd.Zero;
        for (int d = 0; d < depth; d++)
        {
            TV q0 = TSimd.Load(ref Unsafe.Add(ref q, d * rows));
            a0 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k0, d)), a0);
            a1 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k1, d)), a1);
            a2 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k2, d)), a2);
            a3 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k3, d)), a3);
            a4 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k4, d)), a4);
            a5 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k5, d)), a5);
            a6 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k6, d)), a6);
            a7 = TSimd.MultiplyAdd(q0, TSimd.Broadcast(Unsafe.Add(ref k7, d)), a7);
        }

        TSimd.Store(a0, ref s);
        TSimd.Store(a1, ref Unsafe.Add(ref s, rows));
        TSimd.Store(a2, ref Unsafe.Add(ref s, 2 * rows));
        TSimd.Store(a3, ref Unsafe.Add(ref s, 3 * rows));
        TSimd.Store(a4, ref Unsafe.Add(ref s, 4 * rows));
        TSimd.Store(a5, ref Unsafe.Add(ref s, 5 * rows));
        TSimd.Store(a6, ref Unsafe.Add(ref s, 6 * rows));
        TSimd.Store(a7, ref Unsafe.Add(ref s, 7 * rows));
    }

    /// <summary>
    /// <c>o[r · width + c] = o[r · width + c] · carry[r] + Σ_j p[j · pRows + r] · value_j[c]</c> for rows
    /// <c>r &lt; rows</c>, columns <c>c &lt; width</c> (a multiple of the vector width) and keys <c>j &lt; count</c>,
    /// where value j's <paramref name="width"/> floats start at <c>values[valueOffsets[j]]</c>. With
    /// <paramref name="keyFrom"/> and <paramref name="keyTo"/> (per row, relative to the first) a group of rows runs
    /// only over the keys <c>[min from, max to)</c> its rows see: every weight outside a row's range is exactly 0, so
    /// leaving it out changes nothing but the sign of a zero sum (which the output step makes +0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Values<TE>(
        ref float p, int pRows, int rows, ref TE values, ReadOnlySpan<int> valueOffsets, int count,
        ref float o, int width, ref float carry, ReadOnlySpan<int> keyFrom = default, ReadOnlySpan<int> keyTo = default)
        where TE : unmanaged
    {
        int w = TSimd.Count;
        int r = 0;
        if (!TSimd.ManyRegisters && width % (2 * w) == 0)
        {
            // 16 vector registers: six rows × two vectors of columns, 12 accumulators + 2 value loads + 1 broadcast.
            for (; r + 6 <= rows; r += 6)
            {
                KeySpan(keyFrom, keyTo, r, 6, count, out int first, out int end);
                for (int c = 0; c < width; c += 2 * w)
                {
                    Values6x2(ref p, pRows, r, ref values, valueOffsets, first, end, ref Unsafe.Add(ref o, r * width + c), width, c, ref Unsafe.Add(ref carry, r));
                }
            }
        }

        if (TSimd.ManyRegisters && width % (4 * w) == 0)
        {
            // Six rows at a time, then fours. Two rows left over would take the slow one-row path, so a block of
            // 6k + 2 rows (128 = 6 · 20 + 8) leaves eight rows to two groups of four instead.
            int sixes = rows - rows % 6;
            if (rows % 6 == 2 && sixes >= 6)
            {
                sixes -= 6;
            }

            for (; r + 6 <= sixes; r += 6)
            {
                KeySpan(keyFrom, keyTo, r, 6, count, out int first, out int end);
                for (int c = 0; c < width; c += 4 * w)
                {
                    Values6x4(ref p, pRows, r, ref values, valueOffsets, first, end, ref Unsafe.Add(ref o, r * width + c), width, c, ref Unsafe.Add(ref carry, r));
                }
            }
        }

        for (; r + 4 <= rows; r += 4)
        {
            KeySpan(keyFrom, keyTo, r, 4, count, out int first, out int end);
            ref float or = ref Unsafe.Add(ref o, r * width);
            TV c0 = TSimd.Broadcast(Unsafe.Add(ref carry, r));
            TV c1 = TSimd.Broadcast(Unsafe.Add(ref carry, r + 1));
            TV c2 = TSimd.Broadcast(Unsafe.Add(ref carry, r + 2));
            TV c3 = TSimd.Broadcast(Unsafe.Add(ref carry, r + 3));
            int c = 0;
            if (TSimd.ManyRegisters)
            {
                for (; c + 4 * w <= width; c += 4 * w)
                {
                    Values4x4(ref p, pRows, r, ref values, valueOffsets, first, end, ref Unsafe.Add(ref or, c), width, c, c0, c1, c2, c3);
                }
            }

            for (; c + 2 * w <= width; c += 2 * w)
            {
                ref float oc = ref Unsafe.Add(ref or, c);
                TV a00 = TSimd.Multiply(TSimd.Load(ref oc), c0);
                TV a01 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref oc, w)), c0);
                TV a10 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref oc, width)), c1);
                TV a11 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref oc, width + w)), c1);
                TV a20 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref oc, 2 * width)), c2);
                TV a21 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref oc, 2 * width + w)), c2);
                TV a30 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref oc, 3 * width)), c3);
                TV a31 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref oc, 3 * width + w)), c3);
                for (int j = first; j < end; j++)
                {
                    ref TE v = ref Unsafe.Add(ref values, valueOffsets[j] + c);
                    TV v0 = LoadAs(ref v);
                    TV v1 = LoadAs(ref Unsafe.Add(ref v, w));
                    ref float pj = ref Unsafe.Add(ref p, j * pRows + r);
                    TV b = TSimd.Broadcast(pj);
                    a00 = TSimd.MultiplyAdd(b, v0, a00);
                    a01 = TSimd.MultiplyAdd(b, v1, a01);
                    b = TSimd.Broadcast(Unsafe.Add(ref pj, 1));
                    a10 = TSimd.MultiplyAdd(b, v0, a10);
                    a11 = TSimd.MultiplyAdd(b, v1, a11);
                    b = TSimd.Broadcast(Unsafe.Add(ref pj, 2));
                    a20 = TSimd.MultiplyAdd(b, v0, a20);
                    a21 = TSimd.MultiplyAdd(b, v1, a21);
                    b = TSimd.Broadcast(Unsafe.Add(ref pj, 3));
                    a30 = TSimd.MultiplyAdd(b, v0, a30);
                    a31 = TSimd.MultiplyAdd(b, v1, a31);
                }

                TSimd.Store(a00, ref oc);
                TSimd.Store(a01, ref Unsafe.Add(ref oc, w));
                TSimd.Store(a10, ref Unsafe.Add(ref oc, width));
                TSimd.Store(a11, ref Unsafe.Add(ref oc, width + w));
                TSimd.Store(a20, ref Unsafe.Add(ref oc, 2 * width));
                TSimd.Store(a21, ref Unsafe.Add(ref oc, 2 * width + w));
                TSimd.Store(a30, ref Unsafe.Add(ref oc, 3 * width));
                TSimd.Store(a31, ref Unsafe.Add(ref oc, 3 * width + w));
            }

            for (; c < width; c += w)
            {
                for (int x = 0; x < 4; x++)
                {
                    ValuesColumn(ref p, pRows, r + x, ref values, valueOffsets, first, end, ref Unsafe.Add(ref or, x * width + c), c, Unsafe.Add(ref carry, r + x));
                }
            }
        }

        for (; r < rows; r++)
        {
            KeySpan(keyFrom, keyTo, r, 1, count, out int first, out int end);
            ref float or = ref Unsafe.Add(ref o, r * width);
            float rowCarry = Unsafe.Add(ref carry, r);
            for (int c = 0; c < width; c += w)
            {
                ValuesColumn(ref p, pRows, r, ref values, valueOffsets, first, end, ref Unsafe.Add(ref or, c), c, rowCarry);
            }
        }
    }

    /// <summary>The keys <c>[first, end)</c> any of rows <c>[r, r + n)</c> sees: all <paramref name="count"/> without ranges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KeySpan(ReadOnlySpan<int> keyFrom, ReadOnlySpan<int> keyTo, int r, int n, int count, out int first, out int end)
    {
        if (keyFrom.IsEmpty)
        {
            first = 0;
            end = count;
            return;
        }

        first = count;
        end = 0;
        for (int x = r; x < r + n; x++)
        {
            first = Math.Min(first, keyFrom[x]);
            end = Math.Max(end, keyTo[x]);
        }
    }

    /// <summary>Four rows × four vectors of columns of <see cref="Values"/>: sixteen accumulators.</summary>
    [MethodImpl(MicroKernel)]
    private static void Values4x4<TE>(
        ref float p, int pRows, int r, ref TE values, ReadOnlySpan<int> valueOffsets, int first, int end,
        ref float o, int width, int column, TV c0, TV c1, TV c2, TV c3)
        where TE : unmanaged
    {
        int w = TSimd.Count;
        ref float o1 = ref Unsafe.Add(ref o, width);
        ref float o2 = ref Unsafe.Add(ref o, 2 * width);
        ref float o3 = ref Unsafe.Add(ref o, 3 * width);
        TV a00 = TSimd.Multiply(TSimd.Load(ref o), c0), a01 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o, w)), c0);
        TV a02 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o, 2 * w)), c0), a03 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o, 3 * w)), c0);
        TV a10 = TSimd.Multiply(TSimd.Load(ref o1), c1), a11 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o1, w)), c1);
        TV a12 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o1, 2 * w)), c1), a13 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o1, 3 * w)), c1);
        TV a20 = TSimd.Multiply(TSimd.Load(ref o2), c2), a21 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o2, w)), c2);
        TV a22 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o2, 2 * w)), c2), a23 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o2, 3 * w)), c2);
        TV a30 = TSimd.Multiply(TSimd.Load(ref o3), c3), a31 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o3, w)), c3);
        TV a32 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o3, 2 * w)), c3), a33 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o3, 3 * w)), c3);
        for (int j = first; j < end; j++)
        {
            ref TE v = ref Unsafe.Add(ref values, valueOffsets[j] + column);
            TV v0 = LoadAs(ref v);
            TV v1 = LoadAs(ref Unsafe.Add(ref v, w));
            TV v2 = LoadAs(ref Unsafe.Add(ref v, 2 * w));
            TV v3 = LoadAs(ref Unsafe.Add(ref v, 3 * w));
            ref float pj = ref Unsafe.Add(ref p, j * pRows + r);
            TV b = TSimd.Broadcast(pj);
            a00 = TSimd.MultiplyAdd(b, v0, a00);
            a01 = TSimd.MultiplyAdd(b, v1, a01);
            a02 = TSimd.MultiplyAdd(b, v2, a02);
            a03 = TSimd.MultiplyAdd(b, v3, a03);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 1));
            a10 = TSimd.MultiplyAdd(b, v0, a10);
            a11 = TSimd.MultiplyAdd(b, v1, a11);
            a12 = TSimd.MultiplyAdd(b, v2, a12);
            a13 = TSimd.MultiplyAdd(b, v3, a13);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 2));
            a20 = TSimd.MultiplyAdd(b, v0, a20);
            a21 = TSimd.MultiplyAdd(b, v1, a21);
            a22 = TSimd.MultiplyAdd(b, v2, a22);
            a23 = TSimd.MultiplyAdd(b, v3, a23);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 3));
            a30 = TSimd.MultiplyAdd(b, v0, a30);
            a31 = TSimd.MultiplyAdd(b, v1, a31);
            a32 = TSimd.MultiplyAdd(b, v2, a32);
            a33 = TSimd.MultiplyAdd(b, v3, a33);
        }

        Store4(a00, a01, a02, a03, ref o);
        Store4(a10, a11, a12, a13, ref o1);
        Store4(a20, a21, a22, a23, ref o2);
        Store4(a30, a31, a32, a33, ref o3);
    }

    /// <summary>
    /// Six rows × two vectors of columns of <see cref="Values"/>: the 16-register shape (12 accumulators, 2 value
    /// vectors, 1 broadcast weight), 8 loads per 12 FMAs where four rows need 6 per 8.
    /// </summary>
    [MethodImpl(MicroKernel)]
    private static void Values6x2<TE>(
        ref float p, int pRows, int r, ref TE values, ReadOnlySpan<int> valueOffsets, int first, int end,
        ref float o, int width, int column, ref float carry)
        where TE : unmanaged
    {
        int w = TSimd.Count;
        ref float o1 = ref Unsafe.Add(ref o, width);
        ref float o2 = ref Unsafe.Add(ref o, 2 * width);
        ref float o3 = ref Unsafe.Add(ref o, 3 * width);
        ref float o4 = ref Unsafe.Add(ref o, 4 * width);
        ref float o5 = ref Unsafe.Add(ref o, 5 * width);
        TV c = TSimd.Broadcast(carry);
        TV a00 = TSimd.Multiply(TSimd.Load(ref o), c), a01 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o, w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 1));
        TV a10 = TSimd.Multiply(TSimd.Load(ref o1), c), a11 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o1, w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 2));
        TV a20 = TSimd.Multiply(TSimd.Load(ref o2), c), a21 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o2, w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 3));
        TV a30 = TSimd.Multiply(TSimd.Load(ref o3), c), a31 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o3, w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 4));
        TV a40 = TSimd.Multiply(TSimd.Load(ref o4), c), a41 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o4, w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 5));
        TV a50 = TSimd.Multiply(TSimd.Load(ref o5), c), a51 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o5, w)), c);
        ref float pj = ref Unsafe.Add(ref p, first * pRows + r);
        for (int j = first; j < end; j++)
        {
            ref TE v = ref Unsafe.Add(ref values, valueOffsets[j] + column);
            TV v0 = LoadAs(ref v);
            TV v1 = LoadAs(ref Unsafe.Add(ref v, w));
            TV b = TSimd.Broadcast(pj);
            a00 = TSimd.MultiplyAdd(b, v0, a00);
            a01 = TSimd.MultiplyAdd(b, v1, a01);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 1));
            a10 = TSimd.MultiplyAdd(b, v0, a10);
            a11 = TSimd.MultiplyAdd(b, v1, a11);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 2));
            a20 = TSimd.MultiplyAdd(b, v0, a20);
            a21 = TSimd.MultiplyAdd(b, v1, a21);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 3));
            a30 = TSimd.MultiplyAdd(b, v0, a30);
            a31 = TSimd.MultiplyAdd(b, v1, a31);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 4));
            a40 = TSimd.MultiplyAdd(b, v0, a40);
            a41 = TSimd.MultiplyAdd(b, v1, a41);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 5));
            a50 = TSimd.MultiplyAdd(b, v0, a50);
            a51 = TSimd.MultiplyAdd(b, v1, a51);
            pj = ref Unsafe.Add(ref pj, pRows);
        }

        TSimd.Store(a00, ref o);
        TSimd.Store(a01, ref Unsafe.Add(ref o, w));
        TSimd.Store(a10, ref o1);
        TSimd.Store(a11, ref Unsafe.Add(ref o1, w));
        TSimd.Store(a20, ref o2);
        TSimd.Store(a21, ref Unsafe.Add(ref o2, w));
        TSimd.Store(a30, ref o3);
        TSimd.Store(a31, ref Unsafe.Add(ref o3, w));
        TSimd.Store(a40, ref o4);
        TSimd.Store(a41, ref Unsafe.Add(ref o4, w));
        TSimd.Store(a50, ref o5);
        TSimd.Store(a51, ref Unsafe.Add(ref o5, w));
    }

    /// <summary>
    /// Six rows × four vectors of columns of <see cref="Values"/>: the 32-register shape (24 accumulators, 4 value
    /// vectors, 1 broadcast weight), 10 loads per 24 FMAs where four rows need 8 per 16.
    /// </summary>
    [MethodImpl(MicroKernel)]
    private static void Values6x4<TE>(
        ref float p, int pRows, int r, ref TE values, ReadOnlySpan<int> valueOffsets, int first, int end,
        ref float o, int width, int column, ref float carry)
        where TE : unmanaged
    {
        int w = TSimd.Count;
        ref float o1 = ref Unsafe.Add(ref o, 1 * width);
        ref float o2 = ref Unsafe.Add(ref o, 2 * width);
        ref float o3 = ref Unsafe.Add(ref o, 3 * width);
        ref float o4 = ref Unsafe.Add(ref o, 4 * width);
        ref float o5 = ref Unsafe.Add(ref o, 5 * width);
        TV c = TSimd.Broadcast(carry);
        TV a00 = TSimd.Multiply(TSimd.Load(ref o), c);
        TV a01 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o, 1 * w)), c);
        TV a02 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o, 2 * w)), c);
        TV a03 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o, 3 * w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 1));
        TV a10 = TSimd.Multiply(TSimd.Load(ref o1), c);
        TV a11 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o1, 1 * w)), c);
        TV a12 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o1, 2 * w)), c);
        TV a13 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o1, 3 * w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 2));
        TV a20 = TSimd.Multiply(TSimd.Load(ref o2), c);
        TV a21 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o2, 1 * w)), c);
        TV a22 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o2, 2 * w)), c);
        TV a23 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o2, 3 * w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 3));
        TV a30 = TSimd.Multiply(TSimd.Load(ref o3), c);
        TV a31 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o3, 1 * w)), c);
        TV a32 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o3, 2 * w)), c);
        TV a33 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o3, 3 * w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 4));
        TV a40 = TSimd.Multiply(TSimd.Load(ref o4), c);
        TV a41 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o4, 1 * w)), c);
        TV a42 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o4, 2 * w)), c);
        TV a43 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o4, 3 * w)), c);
        c = TSimd.Broadcast(Unsafe.Add(ref carry, 5));
        TV a50 = TSimd.Multiply(TSimd.Load(ref o5), c);
        TV a51 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o5, 1 * w)), c);
        TV a52 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o5, 2 * w)), c);
        TV a53 = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref o5, 3 * w)), c);
        ref float pj = ref Unsafe.Add(ref p, first * pRows + r);
        for (int j = first; j < end; j++)
        {
            ref TE v = ref Unsafe.Add(ref values, valueOffsets[j] + column);
            TV v0 = LoadAs(ref v);
            TV v1 = LoadAs(ref Unsafe.Add(ref v, 1 * w));
            TV v2 = LoadAs(ref Unsafe.Add(ref v, 2 * w));
            TV v3 = LoadAs(ref Unsafe.Add(ref v, 3 * w));
            TV b = TSimd.Broadcast(pj);
            a00 = TSimd.MultiplyAdd(b, v0, a00);
            a01 = TSimd.MultiplyAdd(b, v1, a01);
            a02 = TSimd.MultiplyAdd(b, v2, a02);
            a03 = TSimd.MultiplyAdd(b, v3, a03);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 1));
            a10 = TSimd.MultiplyAdd(b, v0, a10);
            a11 = TSimd.MultiplyAdd(b, v1, a11);
            a12 = TSimd.MultiplyAdd(b, v2, a12);
            a13 = TSimd.MultiplyAdd(b, v3, a13);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 2));
            a20 = TSimd.MultiplyAdd(b, v0, a20);
            a21 = TSimd.MultiplyAdd(b, v1, a21);
            a22 = TSimd.MultiplyAdd(b, v2, a22);
            a23 = TSimd.MultiplyAdd(b, v3, a23);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 3));
            a30 = TSimd.MultiplyAdd(b, v0, a30);
            a31 = TSimd.MultiplyAdd(b, v1, a31);
            a32 = TSimd.MultiplyAdd(b, v2, a32);
            a33 = TSimd.MultiplyAdd(b, v3, a33);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 4));
            a40 = TSimd.MultiplyAdd(b, v0, a40);
            a41 = TSimd.MultiplyAdd(b, v1, a41);
            a42 = TSimd.MultiplyAdd(b, v2, a42);
            a43 = TSimd.MultiplyAdd(b, v3, a43);
            b = TSimd.Broadcast(Unsafe.Add(ref pj, 5));
            a50 = TSimd.MultiplyAdd(b, v0, a50);
            a51 = TSimd.MultiplyAdd(b, v1, a51);
            a52 = TSimd.MultiplyAdd(b, v2, a52);
            a53 = TSimd.MultiplyAdd(b, v3, a53);
            pj = ref Unsafe.Add(ref pj, pRows);
        }

        TSimd.Store(a00, ref o);
        TSimd.Store(a01, ref Unsafe.Add(ref o, 1 * w));
        TSimd.Store(a02, ref Unsafe.Add(ref o, 2 * w));
        TSimd.Store(a03, ref Unsafe.Add(ref o, 3 * w));
        TSimd.Store(a10, ref o1);
        TSimd.Store(a11, ref Unsafe.Add(ref o1, 1 * w));
        TSimd.Store(a12, ref Unsafe.Add(ref o1, 2 * w));
        TSimd.Store(a13, ref Unsafe.Add(ref o1, 3 * w));
        TSimd.Store(a20, ref o2);
        TSimd.Store(a21, ref Unsafe.Add(ref o2, 1 * w));
        TSimd.Store(a22, ref Unsafe.Add(ref o2, 2 * w));
        TSimd.Store(a23, ref Unsafe.Add(ref o2, 3 * w));
        TSimd.Store(a30, ref o3);
        TSimd.Store(a31, ref Unsafe.Add(ref o3, 1 * w));
        TSimd.Store(a32, ref Unsafe.Add(ref o3, 2 * w));
        TSimd.Store(a33, ref Unsafe.Add(ref o3, 3 * w));
        TSimd.Store(a40, ref o4);
        TSimd.Store(a41, ref Unsafe.Add(ref o4, 1 * w));
        TSimd.Store(a42, ref Unsafe.Add(ref o4, 2 * w));
        TSimd.Store(a43, ref Unsafe.Add(ref o4, 3 * w));
        TSimd.Store(a50, ref o5);
        TSimd.Store(a51, ref Unsafe.Add(ref o5, 1 * w));
        TSimd.Store(a52, ref Unsafe.Add(ref o5, 2 * w));
        TSimd.Store(a53, ref Unsafe.Add(ref o5, 3 * w));
    }

    /// <summary>One row, one vector of columns of <see cref="Values"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ValuesColumn<TE>(
        ref float p, int pRows, int r, ref TE values, ReadOnlySpan<int> valueOffsets, int first, int end, ref float o, int column, float carry)
        where TE : unmanaged
    {
        TV acc = TSimd.Multiply(TSimd.Load(ref o), TSimd.Broadcast(carry));
        for (int j = first; j < end; j++)
        {
            acc = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref p, j * pRows + r)), LoadAs(ref Unsafe.Add(ref values, valueOffsets[j] + column)), acc);
        }

        TSimd.Store(acc, ref o);
    }

    /// <summary>
    /// The careful form of <see cref="Values"/> for a tile whose value rows hold ∞ or NaN: a key of weight exactly 0
    /// (hidden, a −∞ score, or an underflowed weight) is left out, so 0 · ∞ never reaches a row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ValuesSkippingZeroWeights<TE>(
        ref float p, int pRows, int rows, ref TE values, ReadOnlySpan<int> valueOffsets, int count,
        ref float o, int width, ref float carry)
        where TE : unmanaged
    {
        int w = TSimd.Count;
        for (int r = 0; r < rows; r++)
        {
            ref float or = ref Unsafe.Add(ref o, r * width);
            TV rowCarry = TSimd.Broadcast(Unsafe.Add(ref carry, r));
            for (int c = 0; c < width; c += w)
            {
                TV acc = TSimd.Multiply(TSimd.Load(ref Unsafe.Add(ref or, c)), rowCarry);
                for (int j = 0; j < count; j++)
                {
                    float weight = Unsafe.Add(ref p, j * pRows + r);
                    if (weight != 0f)
                    {
                        acc = TSimd.MultiplyAdd(TSimd.Broadcast(weight), LoadAs(ref Unsafe.Add(ref values, valueOffsets[j] + c)), acc);
                    }
                }

                TSimd.Store(acc, ref Unsafe.Add(ref or, c));
            }
        }
    }

    /// <summary>Whether every element of the value rows (each <paramref name="width"/> long) is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool ValuesFinite<TE>(ref TE values, ReadOnlySpan<int> offsets, int count, int width)
        where TE : unmanaged
    {
        for (int t = 0; t < count; t++)
        {
            ref TE row = ref Unsafe.Add(ref values, offsets[t]);
            for (int c = 0; c < width; c += TSimd.Count)
            {
                if (!TSimd.AllFinite(LoadAs(ref Unsafe.Add(ref row, c))))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
