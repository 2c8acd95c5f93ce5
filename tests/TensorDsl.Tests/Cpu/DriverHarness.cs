using System;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Cpu;

/// <summary>Lays a <see cref="Workload"/> out, runs <see cref="AttentionDriver"/> on it and reads the results back.</summary>
internal static class DriverHarness
{
    public const float Sentinel = 12345f;

    public static float DefaultScale(int d) => (float)(1.0 / Math.Sqrt(d));

    public sealed record Result<TO>(TO[] Raw, double[][][][] Output, float[] Lse);

    public static Result<TO> Dense<TSpec, TQ, TKV, TO>(
        Workload w, bool bshd, float[]? sinks = null, HeadRange? heads = null)
        where TSpec : struct, IAttentionSpec
        where TQ : unmanaged
        where TKV : unmanaged
        where TO : unmanaged
    {
        int sq = w.QLens[0], sk = w.KvLens[0];
        var q = Workload.LayDense<TQ>(w.Q, w.Hq, sq, w.D, bshd);
        var k = Workload.LayDense<TKV>(w.K, w.Hkv, sk, w.D, bshd);
        var v = Workload.LayDense<TKV>(w.V, w.Hkv, sk, w.Dv, bshd);
        var output = Filled<TO>(w.B * w.Hq * sq * w.Dv);
        var lse = Filled<float>(w.B * w.Hq * sq);
        var problem = AttentionProblem.Dense(
            w.B, w.Hq, w.Hkv, sq, sk, w.D, w.Dv,
            bshd ? RowAddressing.Bshd(w.Hq, sq, w.D) : RowAddressing.Bhsd(w.Hq, sq, w.D),
            bshd ? KvAddressing.Bshd(w.Hkv, sk, w.D) : KvAddressing.Bhsd(w.Hkv, sk, w.D),
            bshd ? KvAddressing.Bshd(w.Hkv, sk, w.Dv) : KvAddressing.Bhsd(w.Hkv, sk, w.Dv),
            bshd ? RowAddressing.Bshd(w.Hq, sq, w.Dv) : RowAddressing.Bhsd(w.Hq, sq, w.Dv));
        if (heads is { } range) problem = problem.WithHeads(range);
        var inputs = new ScoreInputs { DefaultScale = DefaultScale(w.D) };
        AttentionDriver.Run<TSpec, TQ, TKV, TO>(problem, q, k, v, output, lse, sinks ?? default, inputs);
        return new(output, w.ReadRows(output, w.Dv, tokens: false, bshd), lse);
    }

    public enum KvKind { Tokens, Paged, BlocksFirst, KvFirst }

    public static Result<TO> Varlen<TSpec, TQ, TKV, TO>(
        Workload w, KvKind kind, int blockSize = 16, float[]? sinks = null, HeadRange? heads = null, int seed = 5)
        where TSpec : struct, IAttentionSpec
        where TQ : unmanaged
        where TKV : unmanaged
        where TO : unmanaged
    {
        var q = Workload.LayTokens<TQ>(w.Q, w.Hq, w.D);
        var output = Filled<TO>(w.Tokens * w.Hq * w.Dv);
        var lse = Filled<float>(w.Hq * w.Tokens);
        var inputs = new ScoreInputs { DefaultScale = DefaultScale(w.D) };
        var qRows = RowAddressing.Tokens(w.Hq, w.D);
        var outRows = RowAddressing.Tokens(w.Hq, w.Dv);
        TKV[] k, v;
        AttentionProblem problem;
        if (kind == KvKind.Tokens)
        {
            k = Workload.LayTokens<TKV>(w.K, w.Hkv, w.D);
            v = Workload.LayTokens<TKV>(w.V, w.Hkv, w.Dv);
            var batch = VarlenBatch.Create(w.QueryStarts(), w.KvLens);
            problem = AttentionProblem.Varlen(
                batch, w.Hq, w.Hkv, w.D, w.Dv, qRows, KvAddressing.Tokens(w.Hkv, w.D), KvAddressing.Tokens(w.Hkv, w.Dv), outRows);
        }
        else
        {
            var batch = w.PagedMetadata(blockSize, seed, out int numBlocks);
            if (kind == KvKind.Paged)
            {
                k = Filled<TKV>(numBlocks * blockSize * w.Hkv * w.D);
                v = Filled<TKV>(numBlocks * blockSize * w.Hkv * w.Dv);
                Workload.LayPaged(w.K, batch, blockSize, w.Hkv, w.D, k, 0, (long)blockSize * w.Hkv * w.D);
                Workload.LayPaged(w.V, batch, blockSize, w.Hkv, w.Dv, v, 0, (long)blockSize * w.Hkv * w.Dv);
                problem = AttentionProblem.Varlen(
                    batch, w.Hq, w.Hkv, w.D, w.Dv, qRows,
                    KvAddressing.Paged(blockSize, w.Hkv, w.D), KvAddressing.Paged(blockSize, w.Hkv, w.Dv), outRows);
            }
            else
            {
                var layout = kind == KvKind.BlocksFirst ? KvCacheLayout.BlocksFirst : KvCacheLayout.KvFirst;
                long block = (long)blockSize * w.Hkv * w.D;
                k = Filled<TKV>((int)(2 * numBlocks * block));
                long stride = layout == KvCacheLayout.BlocksFirst ? 2 * block : block;
                long valueBase = layout == KvCacheLayout.BlocksFirst ? block : numBlocks * block;
                Workload.LayPaged(w.K, batch, blockSize, w.Hkv, w.D, k, 0, stride);
                Workload.LayPaged(w.V, batch, blockSize, w.Hkv, w.D, k, valueBase, stride);
                v = k;
                problem = AttentionProblem.Varlen(
                    batch, w.Hq, w.Hkv, w.D, w.Dv, qRows,
                    KvAddressing.PagedStacked(layout, false, numBlocks, blockSize, w.Hkv, w.D),
                    KvAddressing.PagedStacked(layout, true, numBlocks, blockSize, w.Hkv, w.D), outRows);
            }
        }

        if (heads is { } range) problem = problem.WithHeads(range);
        AttentionDriver.Run<TSpec, TQ, TKV, TO>(problem, q, k, v, output, lse, sinks ?? default, inputs);
        return new(output, w.ReadRows(output, w.Dv, tokens: true), lse);
    }

    public static T[] Filled<T>(int length)
    {
        var data = new T[length];
        Array.Fill(data, Workload.From<T>(Sentinel));
        return data;
    }

    public static float[] Sinks(int heads, int seed)
    {
        var random = new Random(seed);
        var sinks = new float[heads];
        for (int h = 0; h < heads; h++) sinks[h] = (float)(random.NextDouble() * 4 - 2);
        return sinks;
    }
}
