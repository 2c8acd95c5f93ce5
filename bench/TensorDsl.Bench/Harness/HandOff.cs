using System;
using TensorDsl.Bench.Kernels;

namespace TensorDsl.Bench.Harness;

/// <summary>
/// What handing a short decode to a second thread costs and gains: one sequence (B = 1, D1's shapes) at growing KV
/// lengths, timed on the calling thread alone and spread over the benchmark's threads, with the runtime's own
/// choice (<see cref="AttentionOptions.MinParallelFlops"/>) beside them. The default threshold is set where the
/// spread call starts to win.
/// </summary>
internal static class HandOff
{
    private const int Hq = 32, Hkv = 8, D = 128;

    public static void Print(int threads, TimingPolicy policy, bool smoke)
    {
        Console.WriteLine($"Hand-off: decode B=1, Hq {Hq} / Hkv {Hkv}, D {D}, fp32; µs per call (median), 1 thread vs {threads} threads");
        Console.WriteLine("| Lkv | MFLOP | 1 thread | spread | runtime's choice | picks |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | --- |");
        long threshold = AttentionOptions.MinParallelFlops;
        int savedThreads = AttentionOptions.ThreadCount;
        var random = new Random(7);
        try
        {
            foreach (int length in smoke ? new[] { 64, 256 } : new[] { 4, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 })
            {
                var q = Data.Uniform(Hq * D, random);
                var k = Data.Uniform((long)Hkv * length * D, random);
                var v = Data.Uniform((long)Hkv * length * D, random);
                var output = new float[q.Length];
                void Call() => DecodeGqa.Run(q, k, v, output, 1, length);

                AttentionOptions.ThreadCount = 1;
                double one = Time(Call, policy);
                AttentionOptions.ThreadCount = threads;
                AttentionOptions.MinParallelFlops = 0;
                double spread = Time(Call, policy);
                AttentionOptions.MinParallelFlops = threshold;
                double chosen = Time(Call, policy);
                double mflop = 4.0 * Hq * length * D / 1e6;
                string picks = mflop * 1e6 < threshold ? "1 thread" : $"{threads} threads";
                Console.WriteLine($"| {length} | {mflop:F1} | {one * 1e6:F1} | {spread * 1e6:F1} | {chosen * 1e6:F1} | {picks} |");
            }
        }
        finally
        {
            AttentionOptions.ThreadCount = savedThreads;
            AttentionOptions.MinParallelFlops = threshold;
        }
    }

    private static double Time(Action call, TimingPolicy policy) =>
        Timing.Measure(call, policy, Timing.Once(call)).MedianMs / 1e3;
}
