using System;
using System.Diagnostics;
using System.Linq;
using TensorDsl.Spyre;

namespace TensorDsl.Bench.Harness;

/// <summary>
/// Spyre host preparation speed (docs/spyre.md, docs/benchmarks.md): <see cref="SpyreHost.Prepare"/> on M1's batch
/// (16 sequences, T = 654; Hq 32 / Hkv 8, D 128, block size 16, fp16 cache), gather + pad + mask into reused buffers,
/// one thread. Traffic = bytes read (q and the gathered K/V rows) + bytes written (every device tensor, padding
/// included); reported as GB/s and as a share of the machine's measured read bandwidth.
/// </summary>
internal static class SpyrePrep
{
    public static bool Print(MachineLimits limits, bool smoke)
    {
        const int hq = 32, hkv = 8, d = 128, bs = 16;
        var lengths = new Random(20240601);
        (int Q, int Kv)[] sequences = smoke
            ? new[] { (40, 40), (16, 64), (1, 50), (1, 90), (1, 20) }
            : new[] { (512, 512), (128, 1024) }.Concat(Enumerable.Range(0, 14).Select(_ => (1, lengths.Next(256, 4097)))).ToArray();
        var random = new Random(3);
        var blocks = sequences.Select(s => (s.Kv + bs - 1) / bs).ToArray();
        int numBlocks = blocks.Sum() + 1, maxBlocks = blocks.Max();
        var pool = Enumerable.Range(0, numBlocks).OrderBy(_ => random.Next()).ToArray();
        var table = new int[sequences.Length * maxBlocks];
        var starts = new int[sequences.Length + 1];
        for (int b = 0, next = 0; b < sequences.Length; b++)
        {
            for (int j = 0; j < blocks[b]; j++) table[b * maxBlocks + j] = pool[next++];
            starts[b + 1] = starts[b] + sequences[b].Q;
        }

        var batch = PagedBatch.Create(starts, sequences.Select(s => s.Kv).ToArray(), table, maxBlocks);
        var cache = new Half[(long)numBlocks * 2 * bs * hkv * d];
        cache.AsSpan().Fill((Half)0.5f);
        var q = new Half[starts[^1] * hq * d];
        q.AsSpan().Fill((Half)0.25f);

        Console.WriteLine($"Spyre host preparation: M1{(smoke ? " (smoke shape)" : "")} batch, Hq {hq} / Hkv {hkv}, D {d}, block {bs}, fp16; 1 thread, reused buffers");
        Console.WriteLine("| buckets | variant (B, Qp, L) | ms | MB read | MB written | GB/s | % of read bandwidth |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        bool ok = true;
        foreach (var (name, bucketing) in new[] { ("reference 256 / 32", SpyreBucketing.Reference), ("improved 128 / 1,8,32, B pow2", SpyreBucketing.Improved) })
        {
            var spec = new SpyreKernelSpec(hq, hkv, d, bs, 1 / MathF.Sqrt(d), causal: true, bucketing: bucketing);
            var inputs = SpyreHost.Prepare(spec, q, cache, batch);
            SpyreHost.Prepare(spec, q, cache, batch, inputs); // a second warm-up call: tiered JIT allocates on the first reuse
            long before = GC.GetAllocatedBytesForCurrentThread();
            SpyreHost.Prepare(spec, q, cache, batch, inputs);
            ok &= GC.GetAllocatedBytesForCurrentThread() == before;
            double best = double.MaxValue;
            var clock = Stopwatch.StartNew();
            for (int trial = 0; trial < (smoke ? 3 : 7) || clock.Elapsed.TotalSeconds < (smoke ? 0.05 : 1); trial++)
            {
                var start = Stopwatch.GetTimestamp();
                SpyreHost.Prepare(spec, q, cache, batch, inputs);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            double read = 2.0 * q.Length + 2.0 * 2 * hkv * d * sequences.Sum(s => (long)s.Kv);
            double written = 2.0 * (inputs.Query.Length + inputs.Key.Length + inputs.Value.Length + inputs.Mask.Length) + 4.0 * inputs.Tokens;
            double gbps = (read + written) / best / 1e9;
            Console.WriteLine($"| {name} | ({inputs.Batch}, {inputs.Qp}, {inputs.L}) | {best * 1e3:F2} | {read / 1e6:F1} | {written / 1e6:F1} | {gbps:F1} | {100 * gbps / limits.ReadGBps:F0}% |");
        }

        if (!ok)
        {
            Console.WriteLine("Spyre host preparation allocated on a warm call");
        }

        return ok;
    }
}
