using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TensorDsl.Tests.Conformance;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Reliability;

/// <summary>
/// Many threads calling the same kernels at once, each with a different batch (different sizes, lengths, metadata,
/// and so different work plans and scratch needs), get bit for bit the results of the same calls made one after
/// another; each thread repeats its call, so a scratch buffer shared by mistake between callers (or reused between
/// calls with stale contents) shows. ThreadDeterminismTests covers the same inputs on two kernels; this covers
/// different batches, paged, varlen and dense, on 8 callers.
/// </summary>
public sealed class ConcurrentBatchTests
{
    private const int Callers = 8, Repeats = 3, Hq = 8, Hkv = 2, D = 64, Bs = 16;

    private sealed record Job(string Kind, BuiltBatch? Built, int B, int Sq, int Sk, float[] Q, float[] K, float[] V, int OutLength, int LseLength);

    [Fact]
    public void Concurrent_callers_with_different_batches_get_the_serial_results()
    {
        var random = new Random(77);
        var jobs = Enumerable.Range(0, Callers * 2).Select(n => MakeJob(n, random)).ToArray();
        var serial = jobs.Select(Call).ToArray();

        var results = new (float[] Output, float[] Lse)[jobs.Length, Repeats];
        using var start = new Barrier(Callers);
        var threads = Enumerable.Range(0, Callers).Select(caller => new Thread(() =>
        {
            start.SignalAndWait();
            for (int r = 0; r < Repeats; r++)
                for (int n = caller; n < jobs.Length; n += Callers)
                    results[n, r] = Call(jobs[n]);
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();

        for (int n = 0; n < jobs.Length; n++)
            for (int r = 0; r < Repeats; r++)
            {
                Assert.True(serial[n].Output.AsSpan().SequenceEqual(results[n, r].Output), $"job {n} ({jobs[n].Kind}) repeat {r}: output differs from the serial call");
                Assert.True(serial[n].Lse.AsSpan().SequenceEqual(results[n, r].Lse), $"job {n} ({jobs[n].Kind}) repeat {r}: LSE differs from the serial call");
            }
    }

    private static Job MakeJob(int n, Random random)
    {
        switch (n % 3)
        {
            case 0: // paged mixed batch, sometimes a long decode that splits
            case 1: // varlen
            {
                int count = random.Next(1, 5);
                var lk = Enumerable.Range(0, count).Select(_ => random.Next(4) == 0 ? random.Next(600, 1200) : random.Next(1, 90)).ToArray();
                var lq = lk.Select(k => random.Next(3) == 0 ? Math.Min(k, random.Next(1, 40)) : 1).ToArray();
                var built = BuiltBatch.Build(lq, lk, n % 3 == 0 ? Bs : 0, seed: n);
                int t = built.NumTokens, kv = n % 3 == 0 ? built.NumBlocks * Bs * Hkv * D : built.TotalKv * Hkv * D;
                return new Job(n % 3 == 0 ? "paged" : "varlen", built, 0, 0, 0, Values(t * Hq * D, n), Values(kv, n + 1000), Values(kv, n + 2000), t * Hq * D, Hq * t);
            }

            default: // dense causal, Bshd, split-size decodes among them
            {
                int b = random.Next(1, 3), sq = random.Next(2) == 0 ? 1 : random.Next(1, 70), sk = random.Next(2) == 0 ? random.Next(512, 1500) : random.Next(0, 100);
                return new Job("dense", null, b, sq, sk, Values(b * sq * Hq * D, n), Values(b * sk * Hkv * D, n + 1000), Values(b * sk * Hkv * D, n + 2000), b * sq * Hq * D, b * Hq * sq);
            }
        }
    }

    private static (float[] Output, float[] Lse) Call(Job job)
    {
        var output = new float[job.OutLength];
        var lse = new float[job.LseLength];
        switch (job.Kind)
        {
            case "paged":
                PagedF32Causal.Run(q: job.Q, k: job.K, v: job.V, output: output, batch: job.Built!.Paged, lse: lse);
                break;
            case "varlen":
                VarlenF32Causal.Run(q: job.Q, k: job.K, v: job.V, output: output, batch: job.Built!.Batch, lse: lse);
                break;
            default:
                F32BshdCausal.Run(q: job.Q, k: job.K, v: job.V, output: output, B: job.B, Hq: Hq, Sq: job.Sq, D: D, Hkv: Hkv, Sk: job.Sk, lse: lse);
                break;
        }

        return (output, lse);
    }

    private static float[] Values(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
