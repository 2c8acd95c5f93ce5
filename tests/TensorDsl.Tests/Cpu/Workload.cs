using System;
using System.Linq;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Cpu;

/// <summary>
/// Logical attention inputs — per sequence, per head, per row, a head-dim vector of doubles that are exactly
/// representable in the element type under test — plus the helpers that lay them out in every layout the
/// driver addresses, read outputs back, and an independent naive fp64 oracle. Because the oracle works on the
/// logical form, a layout bug in the driver cannot hide behind the same bug in the expected values.
/// </summary>
internal sealed class Workload
{
    public required int Hq, Hkv, D, Dv;
    public required int[] QLens, KvLens;
    public required double[][][][] Q, K, V; // [b][h][row][d]

    public int B => QLens.Length;
    public int Tokens => QLens.Sum();
    public int KvTokens => KvLens.Sum();

    public static Workload Random<TQ, TKV>(int seed, int[] qLens, int[] kvLens, int hq, int hkv, int d, int dv)
    {
        var random = new Random(seed);
        return new Workload
        {
            Hq = hq, Hkv = hkv, D = d, Dv = dv, QLens = qLens, KvLens = kvLens,
            Q = Make<TQ>(random, qLens, hq, d), K = Make<TKV>(random, kvLens, hkv, d), V = Make<TKV>(random, kvLens, hkv, dv),
        };
    }

    // Plain loops on purpose: an earlier generic local function whose nested lambdas captured `random` rounded
    // K/V with TQ's type instead of TKV's (observed, not diagnosed), which hid the mixed-type cases.
    private static double[][][][] Make<T>(Random random, int[] lens, int heads, int dim)
    {
        var x = new double[lens.Length][][][];
        for (int b = 0; b < lens.Length; b++)
        {
            x[b] = new double[heads][][];
            for (int h = 0; h < heads; h++)
            {
                x[b][h] = new double[lens[b]][];
                for (int s = 0; s < lens[b]; s++)
                {
                    x[b][h][s] = new double[dim];
                    for (int d = 0; d < dim; d++) x[b][h][s][d] = Round<T>(random.NextDouble() * 2 - 1);
                }
            }
        }

        return x;
    }

    public static Workload Dense<TQ, TKV>(int seed, int b, int sq, int sk, int hq, int hkv, int d, int dv) =>
        Random<TQ, TKV>(seed, Enumerable.Repeat(sq, b).ToArray(), Enumerable.Repeat(sk, b).ToArray(), hq, hkv, d, dv);

    // ---- element conversion -------------------------------------------------------------------------------------

    public static double Round<T>(double x) => ToDouble(From<T>(x));

    public static T From<T>(double x)
    {
        if (typeof(T) == typeof(float)) return (T)(object)(float)x;
        if (typeof(T) == typeof(Half)) return (T)(object)(Half)x;
        return (T)(object)(BFloat16)x;
    }

    public static double ToDouble<T>(T x) => x switch
    {
        float f => f,
        Half h => (double)h,
        BFloat16 b => (double)b,
        _ => throw new NotSupportedException(),
    };

    // ---- layouts -------------------------------------------------------------------------------------------------

    /// <summary>Dense <c>[B, H, S, D]</c> (<paramref name="bshd"/> false) or <c>[B, S, H, D]</c>.</summary>
    public static T[] LayDense<T>(double[][][][] x, int heads, int length, int dim, bool bshd)
    {
        var data = new T[x.Length * heads * length * dim];
        for (int b = 0; b < x.Length; b++)
        for (int h = 0; h < heads; h++)
        for (int s = 0; s < length; s++)
        for (int d = 0; d < dim; d++)
        {
            int offset = bshd ? ((b * length + s) * heads + h) * dim : ((b * heads + h) * length + s) * dim;
            data[offset + d] = From<T>(x[b][h][s][d]);
        }

        return data;
    }

    /// <summary>Flat tokens <c>[Σ len, H, D]</c>.</summary>
    public static T[] LayTokens<T>(double[][][][] x, int heads, int dim)
    {
        int[] lens = x.Select(seq => seq[0].Length).ToArray();
        var data = new T[lens.Sum() * heads * dim];
        int start = 0;
        for (int b = 0; b < x.Length; b++)
        {
            for (int h = 0; h < heads; h++)
            for (int s = 0; s < lens[b]; s++)
            for (int d = 0; d < dim; d++)
            {
                data[((start + s) * heads + h) * dim + d] = From<T>(x[b][h][s][d]);
            }

            start += lens[b];
        }

        return data;
    }

    /// <summary>
    /// A block table giving every sequence ceil(len / blockSize) blocks out of a shuffled pool (plus
    /// <paramref name="spare"/> unused blocks and a padded row), so adjacent keys are rarely adjacent in memory.
    /// </summary>
    public PagedBatch PagedMetadata(int blockSize, int seed, out int numBlocks, int spare = 3)
    {
        int[] used = KvLens.Select(len => (len + blockSize - 1) / blockSize).ToArray();
        int maxBlocks = used.Max() + 1;
        numBlocks = used.Sum() + spare;
        var pool = Enumerable.Range(0, numBlocks).ToArray();
        new Random(seed).Shuffle(pool);
        var table = new int[B * maxBlocks];
        Array.Fill(table, -7); // vLLM pads rows with anything: the padding must never be read
        int next = 0;
        for (int b = 0; b < B; b++)
        for (int j = 0; j < used[b]; j++)
        {
            table[b * maxBlocks + j] = pool[next++];
        }

        return PagedBatch.Create(QueryStarts(), KvLens, table, maxBlocks);
    }

    public int[] QueryStarts()
    {
        var starts = new int[B + 1];
        for (int b = 0; b < B; b++) starts[b + 1] = starts[b] + QLens[b];
        return starts;
    }

    /// <summary>Writes <paramref name="x"/> into a cache through the block table: slot <c>base + block·blockStride + (j%BS)·H·D</c>.</summary>
    public static void LayPaged<T>(
        double[][][][] x, PagedBatch batch, int blockSize, int heads, int dim, T[] cache, long baseOffset, long blockStride)
    {
        for (int b = 0; b < x.Length; b++)
        for (int h = 0; h < heads; h++)
        for (int j = 0; j < x[b][h].Length; j++)
        for (int d = 0; d < dim; d++)
        {
            long offset = baseOffset + batch.BlockId(b, j / blockSize) * blockStride + ((j % blockSize) * heads + h) * dim + d;
            cache[offset] = From<T>(x[b][h][j][d]);
        }
    }

    /// <summary>Reads rows back from dense (<paramref name="tokens"/> false) or token output.</summary>
    public double[][][][] ReadRows<T>(T[] data, int dim, bool tokens, bool bshd = false)
    {
        int length = QLens.Length == 0 ? 0 : QLens.Max();
        int[] starts = QueryStarts();
        var result = new double[B][][][];
        for (int b = 0; b < B; b++)
        {
            result[b] = new double[Hq][][];
            for (int h = 0; h < Hq; h++)
            {
                result[b][h] = new double[QLens[b]][];
                for (int i = 0; i < QLens[b]; i++)
                {
                    int offset = tokens ? ((starts[b] + i) * Hq + h) * dim
                        : bshd ? ((b * length + i) * Hq + h) * dim : ((b * Hq + h) * length + i) * dim;
                    result[b][h][i] = Enumerable.Range(0, dim).Select(d => ToDouble(data[offset + d])).ToArray();
                }
            }
        }

        return result;
    }

    // ---- oracle --------------------------------------------------------------------------------------------------

    /// <summary>
    /// Naive fp64 attention from the definition (docs/design.md): per row, every key passing
    /// <paramref name="mask"/> and <paramref name="visible"/>, score by <paramref name="score"/>, one softmax
    /// over the kept scores (sink in the denominator), output 0 / LSE −∞ for an empty or all −∞ row.
    /// </summary>
    public (double[][][][] Output, double[][][] Lse) Oracle(
        KeyMask mask, Func<int, int, int, int, bool>? visible, Func<int, int, int, int, int, double, double> score,
        float[]? sinks = null)
    {
        int group = Hq / Hkv;
        var output = new double[B][][][];
        var lse = new double[B][][];
        for (int b = 0; b < B; b++)
        {
            output[b] = new double[Hq][][];
            lse[b] = new double[Hq][];
            for (int h = 0; h < Hq; h++)
            {
                output[b][h] = new double[QLens[b]][];
                lse[b][h] = new double[QLens[b]];
                for (int i = 0; i < QLens[b]; i++)
                {
                    int p = KvLens[b] - QLens[b] + i;
                    var keys = Enumerable.Range(0, KvLens[b])
                        .Where(j => mask.IsVisible(p, j) && (visible?.Invoke(b, h, p, j) ?? true)).ToArray();
                    var kv = h / group;
                    var s = keys.Select(j => score(b, h, i, p, j, Dot(Q[b][h][i], K[b][kv][j]))).ToArray();
                    double max = s.Length == 0 ? double.NegativeInfinity : s.Aggregate(double.NegativeInfinity, Math.Max);
                    var o = new double[Dv];
                    if (double.IsNegativeInfinity(max))
                    {
                        output[b][h][i] = o;
                        lse[b][h][i] = double.NegativeInfinity;
                        continue;
                    }

                    double sink = sinks is null ? double.NegativeInfinity : sinks[h];
                    double shift = Math.Max(max, sink);
                    double denominator = Math.Exp(sink - shift);
                    for (int t = 0; t < keys.Length; t++)
                    {
                        double w = Math.Exp(s[t] - shift);
                        denominator += w;
                        for (int d = 0; d < Dv; d++) o[d] += w * V[b][kv][keys[t]][d];
                    }

                    output[b][h][i] = o.Select(x => x / denominator).ToArray();
                    lse[b][h][i] = shift + Math.Log(denominator);
                }
            }
        }

        return (output, lse);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int d = 0; d < a.Length; d++) s += a[d] * b[d];
        return s;
    }

    // ---- comparison ----------------------------------------------------------------------------------------------

    /// <summary>Relative tolerance of one rounding to <typeparamref name="T"/> plus fp32-accumulation slack.</summary>
    public static double Tolerance<T>() =>
        typeof(T) == typeof(float) ? 2e-5 : typeof(T) == typeof(Half) ? 2e-3 : 1.6e-2;

    public void AssertOutput(double[][][][] expected, double[][][][] actual, double tolerance, Func<int, bool>? heads = null)
    {
        for (int b = 0; b < B; b++)
        for (int h = 0; h < Hq; h++)
        {
            if (heads is not null && !heads(h)) continue;
            for (int i = 0; i < QLens[b]; i++)
            for (int d = 0; d < Dv; d++)
            {
                double e = expected[b][h][i][d], a = actual[b][h][i][d];
                Assert.True(
                    Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e)),
                    $"output[b={b}, h={h}, i={i}, d={d}]: expected {e}, actual {a}");
            }
        }
    }

    /// <summary>LSE in the driver's layout: dense <c>[B, Hq, Sq]</c> or tokens <c>[Hq, T]</c>.</summary>
    public void AssertLse(double[][][] expected, float[] actual, bool tokens, Func<int, bool>? heads = null)
    {
        int length = QLens.Length == 0 ? 0 : QLens.Max();
        int[] starts = QueryStarts();
        for (int b = 0; b < B; b++)
        for (int h = 0; h < Hq; h++)
        {
            if (heads is not null && !heads(h)) continue;
            for (int i = 0; i < QLens[b]; i++)
            {
                double e = expected[b][h][i];
                float a = actual[tokens ? h * Tokens + starts[b] + i : (b * Hq + h) * length + i];
                if (double.IsNegativeInfinity(e))
                {
                    Assert.True(float.IsNegativeInfinity(a), $"lse[b={b}, h={h}, i={i}]: expected -inf, actual {a}");
                }
                else
                {
                    Assert.True(Math.Abs(e - a) <= 2e-5 * (1 + Math.Abs(e)), $"lse[b={b}, h={h}, i={i}]: expected {e}, actual {a}");
                }
            }
        }
    }

    public static double DefaultScaleScore(float scale, double dot) => dot * scale;
}
