using System;
using System.Globalization;
using System.Linq;
using TensorDsl.Cpu.Simd;

namespace TensorDsl.Tests.Cpu.Simd;

/// <summary>
/// The register-blocked tile micro-kernels (<see cref="TileKernels{TSimd, TV}"/>) at every width against naive
/// fp64 loops written here from their documented contracts. Shapes are chosen to reach every code path: one vector of
/// rows (the 8-key path), an even and an odd number of vectors (2×4 and 1×4 blocks), key counts 1–13 (8/4/1-key
/// remainders), depths below, at and past a vector, few-row dot products with a scalar tail, value rows in 4-row
/// blocks, six-row blocks and single rows, widths of 1, 2, 3, 4 and 8 vectors. K/V rows sit at shuffled, unaligned offsets, and every
/// buffer has a sentinel tail that must stay untouched.
/// </summary>
/// <remarks>
/// Tolerances: an fp32 sum of n products computed with fused multiply-adds (one rounding each) differs from the
/// exact sum by at most γ_n·Σ|a_i·b_i| with γ_n = n·u/(1 − n·u), u = 2^-24 (Higham, §3.1); a horizontal reduction of
/// w lanes adds at most log2(w) ≤ w more roundings. A wrong row, key, column or carry moves a result by O(1), far
/// outside these bounds.
/// </remarks>
public sealed class TileKernelTests
{
    private const float Sentinel = -7777.25f;
    private const double U = 1.0 / (1 << 24);

    public static TheoryData<string> AllWidths => Widths.All;

    private static double Gamma(int n) => n * U / (1 - n * U);

    private static float[] Uniform(Random random, int n, float low = -1, float high = 1)
    {
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)(low + (high - low) * random.NextDouble());
        return data;
    }

    /// <summary>Row <c>j</c> of <paramref name="count"/> rows of <paramref name="stride"/> floats at a shuffled, odd offset.</summary>
    private static int[] ShuffledOffsets(Random random, int count, int stride)
    {
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order.Select(x => 1 + x * stride).ToArray();
    }

    private static void AssertTail(float[] buffer, int from, string what)
    {
        for (int i = from; i < buffer.Length; i++)
        {
            if (buffer[i] != Sentinel && !(float.IsNaN(Sentinel) && float.IsNaN(buffer[i])))
            {
                Assert.Fail($"{what}: element {i} past the written range changed to {buffer[i]} (writes end at {from})");
            }
        }
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Widths_have_the_lane_counts_of_their_vector_types(string width) =>
        Widths.Run(width, new LaneCount(Widths.Lanes(width)));

    private readonly struct LaneCount(int expected) : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct => Assert.Equal(expected, TSimd.Count);
    }

    // ---- Scores: transposed q, one vector of rows per lane group ---------------------------------------------------

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Scores_match_fp64_dot_products(string width) => Widths.Run(width, new ScoresTest());

    private readonly struct ScoresTest : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            foreach (int rowVectors in new[] { 1, 2, 3, 5 })
            foreach (int depth in new[] { 1, 3, 16, 17, 128 })
            for (int count = 1; count <= 13; count++)
            {
                string at = $"Scores w={w} rows={rowVectors}·{w} depth={depth} keys={count}";
                var random = new Random(rowVectors * 10_000 + depth * 100 + count);
                int rows = rowVectors * w;
                var qt = Uniform(random, depth * rows);
                int stride = depth + 3;
                var keys = Uniform(random, count * stride + 5);
                var offsets = ShuffledOffsets(random, count, stride);
                var s = Enumerable.Repeat(Sentinel, count * rows + 2 * w + 1).ToArray();
                var qtCopy = (float[])qt.Clone();
                var keysCopy = (float[])keys.Clone();

                TileKernels<TSimd, TV>.Scores(ref qt[0], rows, rows, depth, ref keys[0], offsets, count, ref s[0]);

                for (int j = 0; j < count; j++)
                for (int r = 0; r < rows; r++)
                {
                    double exact = 0, magnitude = 0;
                    for (int d = 0; d < depth; d++)
                    {
                        double term = (double)qt[d * rows + r] * keys[offsets[j] + d];
                        exact += term;
                        magnitude += Math.Abs(term);
                    }

                    double actual = s[j * rows + r];
                    if (!(Math.Abs(actual - exact) <= Gamma(depth + 1) * magnitude + 1e-30))
                    {
                        Assert.Fail($"{at}: s[key {j}, row {r}] = {F(actual)}, exact {F(exact)}, bound {Gamma(depth + 1) * magnitude:G3}");
                    }
                }

                AssertTail(s, count * rows, at);
                Assert.Equal(qtCopy, qt);
                Assert.Equal(keysCopy, keys);
            }
        }
    }

    // ---- ScoresByDot: row-major q, dot products along d -------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Scores_by_dot_match_fp64_and_zero_the_padding_lanes(string width) => Widths.Run(width, new ScoresByDotTest());

    private readonly struct ScoresByDotTest : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            for (int rows = 1; rows <= 7; rows++)
            foreach (int depth in new[] { 1, 3, 15, 16, 17, 33, 64, 130 })
            foreach (int count in new[] { 1, 5, 13 })
            foreach (int extraVectors in new[] { 0, 1 })
            foreach (bool pad in new[] { true, false })
            {
                int lanes = (rows + w - 1) / w * w + extraVectors * w;
                // A KV-head bundle scores each group into its own lanes of a shared tile: padTo = rows, the lanes
                // after them (the next group's) left exactly as they were.
                int padTo = pad ? lanes : rows;
                string at = $"ScoresByDot w={w} rows={rows} lanes={lanes} padTo={padTo} depth={depth} keys={count}";
                var random = new Random(rows * 100_000 + depth * 100 + count * 2 + extraVectors);
                var q = Uniform(random, rows * depth);
                int stride = depth + 1;
                var keys = Uniform(random, count * stride + 3);
                var offsets = ShuffledOffsets(random, count, stride);
                var s = new float[count * lanes + w + 1];
                s.AsSpan(0, count * lanes).Fill(float.NaN); // padding lanes must be written (0), not left as they were
                s.AsSpan(count * lanes).Fill(Sentinel);

                TileKernels<TSimd, TV>.ScoresByDot(ref q[0], rows, lanes, padTo, depth, ref keys[0], offsets, count, ref s[0]);

                double bound = Gamma(depth + w + 2);
                for (int j = 0; j < count; j++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        double exact = 0, magnitude = 0;
                        for (int d = 0; d < depth; d++)
                        {
                            double term = (double)q[r * depth + d] * keys[offsets[j] + d];
                            exact += term;
                            magnitude += Math.Abs(term);
                        }

                        double actual = s[j * lanes + r];
                        if (!(Math.Abs(actual - exact) <= bound * magnitude + 1e-30))
                        {
                            Assert.Fail($"{at}: s[key {j}, row {r}] = {F(actual)}, exact {F(exact)}, bound {bound * magnitude:G3}");
                        }
                    }

                    for (int r = rows; r < lanes; r++)
                    {
                        if (pad && s[j * lanes + r] != 0f) Assert.Fail($"{at}: padding lane s[key {j}, lane {r}] = {s[j * lanes + r]}, expected 0");
                        if (!pad && !float.IsNaN(s[j * lanes + r])) Assert.Fail($"{at}: lane s[key {j}, lane {r}] past padTo written: {s[j * lanes + r]}");
                    }
                }

                AssertTail(s, count * lanes, at);
            }
        }
    }

    // ---- Values: o = o·carry + Σ_j p_j · v_j --------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Values_match_fp64_weighted_sums(string width) => Widths.Run(width, new ValuesTest(skipping: false));

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Values_skipping_zero_weights_match_fp64_weighted_sums(string width) => Widths.Run(width, new ValuesTest(skipping: true));

    /// <summary>
    /// Row counts of the value tests: 1–9 (four-row blocks and single rows), and 12, 14 and 20, which reach the
    /// six-row blocks of the 32-register path and its rule for 6k + 2 rows (two blocks of four instead of a pair of
    /// single rows).
    /// </summary>
    private static readonly int[] ValueRowCounts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 20];

    private readonly struct ValuesTest(bool skipping) : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            foreach (int rows in ValueRowCounts)
            foreach (int widthVectors in new[] { 1, 2, 3, 4, 8 })
            foreach (int count in new[] { 0, 1, 5, 32 })
            {
                int width = widthVectors * w;
                string at = $"{(skipping ? "ValuesSkippingZeroWeights" : "Values")} w={w} rows={rows} width={width} keys={count}";
                var random = new Random(rows * 1000 + widthVectors * 100 + count);
                var t = ValuesTile.Make(random, rows, width, count, zeroWeights: true);
                var o = t.Output();

                if (skipping)
                {
                    TileKernels<TSimd, TV>.ValuesSkippingZeroWeights(ref t.P[0], t.PRows, rows, ref t.Values[0], t.Offsets, count, ref o[0], width, ref t.Carry[0]);
                }
                else
                {
                    TileKernels<TSimd, TV>.Values(ref t.P[0], t.PRows, rows, ref t.Values[0], t.Offsets, count, ref o[0], width, ref t.Carry[0]);
                }

                t.AssertClose(o, at, skip: _ => false);
            }
        }
    }

    /// <summary>
    /// With finite value rows the two forms perform the same fused multiply-adds per element, so which one the driver
    /// picks for a tile (it depends on other rows of the block) cannot change a row's bits: bitwise equal without zero
    /// weights, equal as numbers (±0 aside) with them.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Values_and_the_skipping_form_agree_bit_for_bit_on_finite_rows(string width) => Widths.Run(width, new ValuesFormsAgree());

    private readonly struct ValuesFormsAgree : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            foreach (int rows in ValueRowCounts)
            foreach (int widthVectors in new[] { 1, 3, 4 })
            foreach (bool zeros in new[] { false, true })
            {
                int width = widthVectors * w, count = 13;
                var random = new Random(rows * 31 + widthVectors * 7 + (zeros ? 1 : 0));
                var t = ValuesTile.Make(random, rows, width, count, zeroWeights: zeros);
                var plain = t.Output();
                var careful = t.Output();
                TileKernels<TSimd, TV>.Values(ref t.P[0], t.PRows, rows, ref t.Values[0], t.Offsets, count, ref plain[0], width, ref t.Carry[0]);
                TileKernels<TSimd, TV>.ValuesSkippingZeroWeights(ref t.P[0], t.PRows, rows, ref t.Values[0], t.Offsets, count, ref careful[0], width, ref t.Carry[0]);
                for (int i = 0; i < plain.Length; i++)
                {
                    bool same = zeros ? plain[i] == careful[i] : BitConverter.SingleToInt32Bits(plain[i]) == BitConverter.SingleToInt32Bits(careful[i]);
                    if (!same) Assert.Fail($"w={w} rows={rows} width={width} zeros={zeros}: o[{i}] Values {F(plain[i])} vs skipping {F(careful[i])}");
                }
            }
        }
    }

    /// <summary>
    /// Per-row key ranges (a masked tile's trimming): each group of rows runs only over the keys its rows see, the
    /// weights outside a row's range being 0. The result must equal the untrimmed kernel's bit for bit (the start
    /// output has no −0, which is the one value a weight-0 term can change), and a range must really be honoured:
    /// a key outside every row's range holds a huge value that would show in any row that added it.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Values_over_per_row_key_ranges_equal_the_untrimmed_kernel(string width) => Widths.Run(width, new ValuesKeyRanges());

    private readonly struct ValuesKeyRanges : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            foreach (int rows in ValueRowCounts)
            foreach (int widthVectors in new[] { 1, 2, 4 })
            foreach (bool window in new[] { false, true })
            {
                int width = widthVectors * w, count = 19;
                string at = $"w={w} rows={rows} width={width} window={window}";
                var random = new Random(rows * 13 + widthVectors * 5 + (window ? 1 : 0));
                var t = ValuesTile.Make(random, rows, width, count, zeroWeights: false);
                var from = new int[rows];
                var to = new int[rows];
                for (int r = 0; r < rows; r++)
                {
                    // A causal diagonal (row r sees keys up to r + 2), or a sliding window of 6 keys; every third row
                    // from the fourth sees nothing.
                    to[r] = Math.Min(count - 1, r + 3);
                    from[r] = window ? Math.Max(0, to[r] - 6) : 0;
                    if (r % 3 == 0 && r > 0) (from[r], to[r]) = (count, 0);
                    for (int j = 0; j < count; j++)
                    {
                        if (j < from[r] || j >= to[r]) t.P[j * t.PRows + r] = 0f;
                    }
                }

                // No row sees the last key: with weight 0 everywhere, a kernel that ran over it adds 0 · 1e30 = 0,
                // so poison it with a value that shows: NaN (0 · NaN = NaN).
                t.Values.AsSpan(t.Offsets[count - 1], width).Fill(float.NaN);
                var full = t.Output();
                var trimmed = t.Output();
                TileKernels<TSimd, TV>.Values(ref t.P[0], t.PRows, rows, ref t.Values[0], t.Offsets, count - 1, ref full[0], width, ref t.Carry[0]);
                TileKernels<TSimd, TV>.Values(
                    ref t.P[0], t.PRows, rows, ref t.Values[0], t.Offsets, count, ref trimmed[0], width, ref t.Carry[0], from, to);
                for (int i = 0; i < full.Length; i++)
                {
                    if (BitConverter.SingleToInt32Bits(full[i]) != BitConverter.SingleToInt32Bits(trimmed[i]))
                    {
                        Assert.Fail($"{at}: o[{i}] untrimmed {F(full[i])} vs over key ranges {F(trimmed[i])}");
                    }
                }
            }
        }
    }

    /// <summary>
    /// A key of weight exactly 0 whose value row holds ±∞ or NaN must leave a row finite (0·∞ = NaN never reaches it);
    /// a positive weight on the same row carries the ∞ / NaN through (docs/semantics.md, §10).
    /// </summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Skipping_form_keeps_rows_finite_when_a_zero_weight_meets_a_non_finite_value_row(string width) =>
        Widths.Run(width, new NonFiniteValues());

    private readonly struct NonFiniteValues : IWidthTest
    {
        public void Run<TSimd, TV>()
            where TSimd : struct, ISimd<TV>
            where TV : struct
        {
            int w = TSimd.Count;
            foreach (float poison in new[] { float.PositiveInfinity, float.NegativeInfinity, float.NaN })
            foreach (int rows in ValueRowCounts)
            foreach (int widthVectors in new[] { 1, 3, 4 })
            {
                int width = widthVectors * w, count = 7, bad = 3;
                string at = $"w={w} rows={rows} width={width} poison={poison}";
                var random = new Random(rows * 17 + widthVectors);
                var t = ValuesTile.Make(random, rows, width, count, zeroWeights: false);
                t.Values.AsSpan(t.Offsets[bad], width).Fill(poison);
                for (int r = 0; r < rows; r++)
                {
                    // Even rows give the poisoned key weight 0, odd rows a positive weight.
                    t.P[bad * t.PRows + r] = r % 2 == 0 ? 0f : 0.25f;
                }

                var o = t.Output();
                TileKernels<TSimd, TV>.ValuesSkippingZeroWeights(ref t.P[0], t.PRows, rows, ref t.Values[0], t.Offsets, count, ref o[0], width, ref t.Carry[0]);

                t.AssertClose(o, at, skip: r => r % 2 == 1);
                for (int r = 1; r < rows; r += 2)
                for (int c = 0; c < width; c++)
                {
                    float x = o[r * width + c];
                    bool expected = float.IsNaN(poison) ? float.IsNaN(x) : x == poison;
                    if (!expected) Assert.Fail($"{at}: row {r} (positive weight on the {poison} row) has o[{c}] = {x}, expected {poison}");
                }
            }
        }
    }

    /// <summary>One Values tile: weights <c>p[j · PRows + r]</c>, value rows at shuffled offsets, carries and a start output.</summary>
    private sealed class ValuesTile
    {
        public required int Rows, Width, Count, PRows;
        public required float[] P, Values, Carry, Start;
        public required int[] Offsets;

        public static ValuesTile Make(Random random, int rows, int width, int count, bool zeroWeights)
        {
            int pRows = rows + rows % 3; // a row stride past the rows used, as a block's lanes are
            var p = Uniform(random, Math.Max(1, count * pRows), 0.01f, 1);
            if (zeroWeights)
            {
                for (int i = 0; i < p.Length; i += 3) p[i] = 0f;
            }

            int stride = width + 1;
            var carry = Uniform(random, rows, 0, 1);
            carry[0] = 0f; // a row whose running state is dropped
            if (rows > 1) carry[1] = 1f; // a row this tile adds nothing to keeps its accumulator

            return new ValuesTile
            {
                Rows = rows, Width = width, Count = count, PRows = pRows, P = p,
                Values = Uniform(random, Math.Max(1, count * stride + 2)), Offsets = ShuffledOffsets(random, count, stride),
                Carry = carry, Start = Uniform(random, rows * width),
            };
        }

        /// <summary>A fresh output buffer: the start values, then a sentinel tail.</summary>
        public float[] Output()
        {
            var o = Enumerable.Repeat(Sentinel, Rows * Width + 5).ToArray();
            Start.CopyTo(o, 0);
            return o;
        }

        public void AssertClose(float[] o, string at, Func<int, bool> skip)
        {
            double bound = Gamma(Count + 1);
            for (int r = 0; r < Rows; r++)
            {
                if (skip(r)) continue;
                for (int c = 0; c < Width; c++)
                {
                    double start = (double)Start[r * Width + c] * Carry[r];
                    double exact = start, magnitude = Math.Abs(start);
                    for (int j = 0; j < Count; j++)
                    {
                        double weight = P[j * PRows + r];
                        if (weight == 0) continue; // a weight of 0 contributes exactly nothing
                        double term = weight * Values[Offsets[j] + c];
                        exact += term;
                        magnitude += Math.Abs(term);
                    }

                    double actual = o[r * Width + c];
                    if (!(Math.Abs(actual - exact) <= bound * magnitude + 1e-30))
                    {
                        Assert.Fail($"{at}: o[row {r}, col {c}] = {F(actual)}, exact {F(exact)}, bound {bound * magnitude:G3}");
                    }
                }
            }

            AssertTail(o, Rows * Width, at);
        }
    }
}
