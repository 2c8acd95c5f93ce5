using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// One varlen/paged case: the kernel, each sequence's query length and KV length (<c>seq_lens</c>), and the seed of
/// everything random (block ids, padding, inputs). Sizes a kernel fixes by <c>const</c> come from its traits;
/// <see cref="Hq"/>/<see cref="Hkv"/>/<see cref="D"/> only feed kernels that take them at run time.
/// </summary>
public sealed record VarlenCase(string Label, string Kernel, int[] QueryLens, int[] SeqLens, int Seed)
{
    public int Hq { get; init; } = 8;
    public int Hkv { get; init; } = 2;
    public int D { get; init; } = 64;

    /// <summary>Cache blocks no sequence uses (they hold random data the kernel must never read).</summary>
    public int ExtraBlocks { get; init; } = 3;

    /// <summary>Block-table entries past what the longest sequence needs (filled with garbage ids).</summary>
    public int PaddingEntries { get; init; } = 2;

    public double DataScale { get; init; } = 1;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Label} {Kernel} B{QueryLens.Length} ");
        const int shown = 6;
        text.Append(string.Join(",", QueryLens.Zip(SeqLens).Take(shown).Select(x => $"({x.First},{x.Second})")));
        if (QueryLens.Length > shown) text.Append(",…");
        text.Append(CultureInfo.InvariantCulture, $" seed{Seed}");
        if (DataScale != 1) text.Append(CultureInfo.InvariantCulture, $" x{DataScale:G3}");
        return text.ToString();
    }
}

/// <summary>
/// vLLM-style metadata for a batch: <c>query_start_loc</c>, <c>seq_lens</c>, a block table whose ids are a shuffled
/// permutation of the cache's blocks (plus blocks nobody uses, and garbage padding past each row's used entries),
/// and the slot mapping of each sequence's new tokens (its last <c>Lq</c> positions).
/// </summary>
public sealed class BuiltBatch
{
    public required int[] QueryLens { get; init; }
    public required int[] SeqLens { get; init; }
    public required int[] QueryStartLoc { get; init; }
    public required int BlockSize { get; init; }
    public required int NumBlocks { get; init; }
    public required int MaxBlocks { get; init; }
    public required int[] BlockTable { get; init; }
    public required int[] SlotMapping { get; init; }
    public required VarlenBatch Batch { get; init; }

    public int NumSequences => SeqLens.Length;
    public int NumTokens => QueryStartLoc[^1];
    public int TotalKv => SeqLens.Sum();
    public PagedBatch Paged => (PagedBatch)Batch;

    /// <summary>The cache slot (block · BlockSize + row) of key <paramref name="j"/> of sequence <paramref name="b"/>.</summary>
    public int Slot(int b, int j) => BlockTable[b * MaxBlocks + j / BlockSize] * BlockSize + j % BlockSize;

    /// <summary>The first flat K/V token of sequence <paramref name="b"/> (varlen layout: Σ_{c&lt;b} seq_lens).</summary>
    public int KvStart(int b) => SeqLens.Take(b).Sum();

    /// <summary>Builds the metadata; <paramref name="blockSize"/> 0 makes a plain <see cref="VarlenBatch"/>.</summary>
    public static BuiltBatch Build(int[] queryLens, int[] seqLens, int blockSize, int seed, int extraBlocks = 3, int paddingEntries = 2)
    {
        if (queryLens.Length != seqLens.Length) throw new ArgumentException("Test bug: one query length per sequence.");
        var random = new Random(seed ^ 0x5EED);
        var loc = new int[queryLens.Length + 1];
        for (int b = 0; b < queryLens.Length; b++) loc[b + 1] = loc[b] + queryLens[b];
        if (blockSize == 0)
        {
            return new BuiltBatch
            {
                QueryLens = queryLens, SeqLens = seqLens, QueryStartLoc = loc, BlockSize = 0, NumBlocks = 0, MaxBlocks = 0,
                BlockTable = Array.Empty<int>(), SlotMapping = Array.Empty<int>(), Batch = VarlenBatch.Create(loc, seqLens),
            };
        }

        var used = seqLens.Select(len => (len + blockSize - 1) / blockSize).ToArray();
        int needed = used.Sum();
        int numBlocks = needed + extraBlocks;
        int maxBlocks = (used.Length == 0 ? 0 : used.Max()) + paddingEntries;

        // Shuffled block ids: sequences get blocks scattered all over the cache, never in order.
        var ids = Enumerable.Range(0, numBlocks).ToArray();
        random.Shuffle(ids);
        var table = new int[seqLens.Length * maxBlocks];
        int next = 0;
        for (int b = 0; b < seqLens.Length; b++)
        {
            for (int e = 0; e < maxBlocks; e++)
            {
                // Entries past what the sequence uses are padding: vLLM leaves anything there, including ids
                // outside [0, N); the kernel must neither read nor validate them.
                table[b * maxBlocks + e] = e < used[b] ? ids[next++] : random.Next(4) switch
                {
                    0 => -1,
                    1 => numBlocks + random.Next(1000),
                    2 => int.MaxValue,
                    _ => random.Next(Math.Max(1, numBlocks)),
                };
            }
        }

        var built = new BuiltBatch
        {
            QueryLens = queryLens, SeqLens = seqLens, QueryStartLoc = loc, BlockSize = blockSize, NumBlocks = numBlocks,
            MaxBlocks = maxBlocks, BlockTable = table, SlotMapping = new int[loc[^1]], Batch = null!,
        };
        for (int b = 0; b < seqLens.Length; b++)
        {
            for (int i = 0; i < queryLens[b]; i++)
            {
                built.SlotMapping[loc[b] + i] = built.Slot(b, seqLens[b] - queryLens[b] + i);
            }
        }

        return new BuiltBatch
        {
            QueryLens = queryLens, SeqLens = seqLens, QueryStartLoc = loc, BlockSize = blockSize, NumBlocks = numBlocks,
            MaxBlocks = maxBlocks, BlockTable = table, SlotMapping = built.SlotMapping,
            Batch = PagedBatch.Create(loc, seqLens, table, maxBlocks, built.SlotMapping),
        };
    }
}

/// <summary>A case's materialised inputs: in the kernel's types, and the same values in fp64 for the tolerance.</summary>
public sealed class VarlenMaterialized<TQ, TKV>
    where TQ : unmanaged
    where TKV : unmanaged
{
    public required BuiltBatch Built { get; init; }
    public required VarlenInputs<TQ, TKV> Inputs { get; init; }
    public required RawInputs Raw { get; init; }
    public required ConformanceCase Bounds { get; init; }
    public required Tolerance Tolerance { get; init; }
}

/// <summary>
/// Runs a varlen/paged case through the generated <c>Reference</c> (fp64 oracle) and <c>Run</c> and checks, for every
/// (token, head): a row with no visible key (SPEC rule in <see cref="KernelTraits.Visible"/>, with the sequence index
/// as the batch index and the bottom-right aligned position <c>Lk − Lq + i</c>) is exactly 0 with LSE exactly −∞ in
/// both engines; every other output and LSE (<c>[Hq, T]</c>) agrees within <see cref="Tolerance"/> (derived from the
/// inputs); Run without LSE agrees too; for paged kernels both stacked-cache overloads equal the separate-cache Run
/// bit for bit. Run's buffers are pre-filled with NaN so an unwritten element cannot pass.
/// </summary>
public static class VarlenHarness
{
    private const int MaxReported = 25;

    public static (int Hq, int Hkv, int D) Dims(KernelTraits t, VarlenCase c) => (t.ConstHq ?? c.Hq, t.ConstHkv ?? c.Hkv, t.ConstD ?? c.D);

    public static VarlenMaterialized<TQ, TKV> Materialize<TQ, TKV>(VarlenEntry<TQ, TKV> entry, VarlenCase c)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var t = entry.Traits;
        var (hq, hkv, d) = Dims(t, c);
        var built = BuiltBatch.Build(c.QueryLens, c.SeqLens, entry.BlockSize, c.Seed, c.ExtraBlocks, c.PaddingEntries);
        var random = new Random(c.Seed);
        int kvRows = entry.IsPaged ? built.NumBlocks * entry.BlockSize : built.TotalKv;
        var q = Uniform(random, built.NumTokens * hq * d, c.DataScale);
        var k = Uniform(random, kvRows * hkv * d, c.DataScale);
        var v = Uniform(random, kvRows * hkv * d, c.DataScale);
        var slopes = t.Alibi ? Enumerable.Range(0, hq).Select(h => Math.Pow(2, -8.0 * (h + 1) / hq) * (0.5 + random.NextDouble())).ToArray() : Array.Empty<double>();
        var sinks = t.Sinks ? Enumerable.Range(0, hq).Select(_ => random.NextDouble() * 4 - 1).ToArray() : Array.Empty<double>();

        var inputs = new VarlenInputs<TQ, TKV>
        {
            Batch = built.Batch, Hq = hq, Hkv = hkv, D = d,
            Q = Num.FromDouble<TQ>(q), K = Num.FromDouble<TKV>(k), V = Num.FromDouble<TKV>(v),
            Slopes = slopes.Select(x => (float)x).ToArray(), Sinks = sinks.Select(x => (float)x).ToArray(),
        };

        // The tolerance bounds: the longest query and KV length stand for Sq and Sk (the accumulation length and
        // the ALiBi distance are bounded by them); the norms come from every q row and every cache row.
        var bounds = new ConformanceCase(c.Label, t.Name, 1, hq, hkv,
            Math.Max(1, built.QueryLens.DefaultIfEmpty(0).Max()), built.SeqLens.DefaultIfEmpty(0).Max(), d, c.Seed);
        var raw = new RawInputs(t, bounds)
        {
            Q = Num.ToDouble(inputs.Q), K = Num.ToDouble(inputs.K), V = Num.ToDouble(inputs.V),
            Slopes = inputs.Slopes.Select(x => (double)x).ToArray(), Sinks = inputs.Sinks.Select(x => (double)x).ToArray(),
        };
        return new VarlenMaterialized<TQ, TKV>
        {
            Built = built, Inputs = inputs, Raw = raw, Bounds = bounds, Tolerance = Tolerance.For<TQ>(t, bounds, raw),
        };
    }

    public static void Check<TQ, TKV>(VarlenEntry<TQ, TKV> entry, VarlenCase c)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var m = Materialize(entry, c);
        Compare(entry, m, m.Inputs, c.ToString());
    }

    /// <summary>Reference vs Run (with and without LSE, and both stacked layouts for paged kernels) on <paramref name="x"/>.</summary>
    public static void Compare<TQ, TKV>(VarlenEntry<TQ, TKV> entry, VarlenMaterialized<TQ, TKV> m, VarlenInputs<TQ, TKV> x, string label)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        int tokens = m.Built.NumTokens, outLength = tokens * x.Hq * x.D, lseLength = x.Hq * tokens;
        var reference = new TQ[outLength];
        var referenceLse = new float[lseLength];
        entry.Reference(x, reference, referenceLse);

        var run = Filled(outLength, Num.FromDouble<TQ>(double.NaN));
        var runLse = Filled(lseLength, float.NaN);
        entry.Run(x, run, runLse, null);

        var runWithoutLse = Filled(outLength, Num.FromDouble<TQ>(double.NaN));
        entry.Run(x, runWithoutLse, Span<float>.Empty, null);

        var failures = new List<string>();
        int failureCount = 0;
        void Fail(string message)
        {
            if (failureCount++ < MaxReported) failures.Add(message);
        }

        if (entry.RunStacked is { } stacked)
        {
            foreach (var layout in new[] { KvCacheLayout.BlocksFirst, KvCacheLayout.KvFirst })
            {
                var cache = Stack(x.K, x.V, m.Built.NumBlocks, layout);
                var o = Filled(outLength, Num.FromDouble<TQ>(double.NaN));
                var l = Filled(lseLength, float.NaN);
                stacked(x, cache, layout, o, l, null);
                if (!Bits(o).SequenceEqual(Bits(run))) Fail($"stacked {layout}: output differs from the separate-cache Run (bit for bit)");
                if (!Bits(l).SequenceEqual(Bits(runLse))) Fail($"stacked {layout}: LSE differs from the separate-cache Run (bit for bit)");
            }
        }

        CompareRows(entry.Traits, m, reference, referenceLse, run, runLse, runWithoutLse, Fail);
        if (failureCount > 0)
        {
            var message = new StringBuilder();
            message.Append(CultureInfo.InvariantCulture, $"Case {label}: {failureCount} violation(s).\n  tolerance: {m.Tolerance}\n");
            foreach (var line in failures) message.Append("  ").Append(line).Append('\n');
            if (failureCount > MaxReported) message.Append(CultureInfo.InvariantCulture, $"  … and {failureCount - MaxReported} more\n");
            Assert.Fail(message.ToString());
        }
    }

    private static void CompareRows<TQ, TKV>(KernelTraits traits, VarlenMaterialized<TQ, TKV> m, TQ[] reference, float[] referenceLse,
        TQ[] run, float[] runLse, TQ[] runWithoutLse, Action<string> fail)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var built = m.Built;
        var tol = m.Tolerance;
        int hq = m.Inputs.Hq, d = m.Inputs.D, tokens = built.NumTokens;
        for (int b = 0; b < built.NumSequences; b++)
        {
            int lq = built.QueryLens[b], lk = built.SeqLens[b];
            for (int i = 0; i < lq; i++)
            {
                int token = built.QueryStartLoc[b] + i, p = lk - lq + i;
                for (int h = 0; h < hq; h++)
                {
                    string at = $"[seq {b}, token {token} (row {i}, position {p}), h={h}]";
                    int visible = 0;
                    for (int j = 0; j < lk; j++)
                    {
                        if (traits.Visible(b, h, p, j)) visible++;
                    }

                    int oo = (token * hq + h) * d, li = h * tokens + token;
                    double refLse = referenceLse[li], runL = runLse[li];
                    if (visible == 0)
                    {
                        if (!double.IsNegativeInfinity(refLse)) fail($"{at} Reference: no visible key but LSE = {refLse:R}, expected −∞");
                        if (!double.IsNegativeInfinity(runL)) fail($"{at} Run: no visible key but LSE = {runL:R}, expected −∞");
                        for (int x = 0; x < d; x++)
                        {
                            if (Num.ToDouble(reference[oo + x]) != 0) fail($"{at} Reference: no visible key but out[{x}] = {Num.ToDouble(reference[oo + x]):R}");
                            if (Num.ToDouble(run[oo + x]) != 0) fail($"{at} Run: no visible key but out[{x}] = {Num.ToDouble(run[oo + x]):R}");
                            if (Num.ToDouble(runWithoutLse[oo + x]) != 0) fail($"{at} Run (no lse): no visible key but out[{x}] = {Num.ToDouble(runWithoutLse[oo + x]):R}");
                        }

                        continue;
                    }

                    if (!double.IsFinite(refLse)) fail($"{at} Reference: LSE {refLse:R} with finite inputs and {visible} visible key(s)");
                    if (!(double.IsFinite(runL) && tol.LseClose(runL, refLse))) fail($"{at} lse: ref {refLse:R}, run {runL:R}");
                    for (int x = 0; x < d; x++)
                    {
                        double r = Num.ToDouble(reference[oo + x]), o = Num.ToDouble(run[oo + x]), n = Num.ToDouble(runWithoutLse[oo + x]);
                        if (!(double.IsFinite(o) && tol.OutputClose(o, r))) fail($"{at} out[{x}]: ref {r:R}, run {o:R}, |Δ| = {Math.Abs(o - r):G3}");
                        if (!(double.IsFinite(n) && tol.OutputClose(n, r))) fail($"{at} out[{x}] (Run without lse): ref {r:R}, run {n:R}");
                    }
                }
            }
        }
    }

    /// <summary>The stacked cache <c>[N, 2, BS, H, D]</c> (BlocksFirst) or <c>[2, N, BS, H, D]</c> (KvFirst) holding k and v.</summary>
    public static T[] Stack<T>(T[] k, T[] v, int numBlocks, KvCacheLayout layout)
    {
        var cache = new T[k.Length + v.Length];
        if (layout == KvCacheLayout.KvFirst)
        {
            k.CopyTo(cache, 0);
            v.CopyTo(cache, k.Length);
            return cache;
        }

        int block = numBlocks == 0 ? 0 : k.Length / numBlocks;
        for (int n = 0; n < numBlocks; n++)
        {
            Array.Copy(k, n * block, cache, 2 * n * block, block);
            Array.Copy(v, n * block, cache, (2 * n + 1) * block, block);
        }

        return cache;
    }

    public static byte[] Bits<T>(T[] data)
        where T : unmanaged => MemoryMarshal.AsBytes(data.AsSpan()).ToArray();

    public static double[] Uniform(Random random, int count, double scale)
    {
        var data = new double[count];
        for (int n = 0; n < count; n++) data[n] = (random.NextDouble() * 2 - 1) * scale;
        return data;
    }

    public static T[] Filled<T>(int count, T value)
    {
        var data = new T[count];
        Array.Fill(data, value);
        return data;
    }
}
