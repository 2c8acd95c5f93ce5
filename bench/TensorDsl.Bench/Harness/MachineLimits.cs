using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace TensorDsl.Bench.Harness;

/// <summary>What the machine running the benchmark can do at most, measured in the same process.</summary>
/// <param name="PeakGflops">fp32 FMA peak over all benchmark threads: 2 flops per lane per fused multiply-add.</param>
/// <param name="ReadGBps">Streaming read bandwidth over all benchmark threads, 10⁹ bytes per second.</param>
/// <param name="VectorBits">The vector width the FMA and read loops used.</param>
/// <param name="LowestGflops">The slowest FMA trial: how much a shared machine's speed moved during the run.</param>
/// <param name="LowestGBps">The slowest read pass.</param>
/// <remarks>Peaks are the best trial: on a shared virtual machine the neighbours' load changes what a core gets, and
/// the best trial is the closest to what the hardware can do.</remarks>
internal sealed record MachineLimits(
    double PeakGflops, double ReadGBps, int VectorBits, int Threads, long BufferBytes, double LowestGflops, double LowestGBps)
{
    private const int Accumulators512 = 12;
    private const int Accumulators256 = 10; // 16 ymm registers: 10 accumulators and the 2 operands stay in registers

    public static bool Use512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    public static int Accumulators => Use512 ? Accumulators512 : Accumulators256;

    /// <summary>One line naming the instruction sets the runtime sees on this machine.</summary>
    public static string DescribeIsa()
    {
        bool f16c = false, avx512fp16 = false;
        if (X86Base.IsSupported)
        {
            f16c = (X86Base.CpuId(1, 0).Ecx & (1 << 29)) != 0;            // CPUID.1:ECX.F16C[bit 29]
            avx512fp16 = (X86Base.CpuId(7, 0).Edx & (1 << 23)) != 0;      // CPUID.(7,0):EDX.AVX512_FP16[bit 23]
        }

        static string YesNo(bool value) => value ? "yes" : "no";
        return $"{RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical cores; " +
               $"AVX-512F {YesNo(Avx512F.IsSupported)}, AVX-512BW {YesNo(Avx512BW.IsSupported)}, " +
               $"AVX-512-FP16 {YesNo(avx512fp16)}, AVX2 {YesNo(Avx2.IsSupported)}, FMA {YesNo(Fma.IsSupported)}, " +
               $"F16C {YesNo(f16c)}; Vector512.IsHardwareAccelerated {YesNo(Vector512.IsHardwareAccelerated)}, " +
               $"Vector256.IsHardwareAccelerated {YesNo(Vector256.IsHardwareAccelerated)}";
    }

    /// <summary>
    /// Measures the FMA peak (best of <paramref name="trials"/> runs of about <paramref name="seconds"/> each) and
    /// the read bandwidth over a buffer of <paramref name="bufferBytes"/> (best of <paramref name="trials"/> passes),
    /// both on <paramref name="threads"/> threads at once. The buffer is dropped before returning.
    /// </summary>
    public static MachineLimits Measure(int threads, long bufferBytes, int trials, double seconds)
    {
        // The FMA loop is x86 FMA3 (AVX2-class hardware or newer); elsewhere the peak is unknown (NaN) and the
        // compute-bound cases print no percentage.
        var (peak, lowestPeak) = Fma.IsSupported ? MeasureFmaPeak(threads, trials, seconds) : (double.NaN, double.NaN);
        var (bandwidth, lowestBandwidth) = MeasureReadBandwidth(threads, bufferBytes, trials);
        return new MachineLimits(peak, bandwidth, Use512 ? 512 : 256, threads, bufferBytes, lowestPeak, lowestBandwidth);
    }

    /// <summary>The best and the worst of two measurements (the benchmark measures before and after its cases).</summary>
    public MachineLimits Combine(MachineLimits other) => this with
    {
        PeakGflops = Math.Max(PeakGflops, other.PeakGflops),
        ReadGBps = Math.Max(ReadGBps, other.ReadGBps),
        LowestGflops = Math.Min(LowestGflops, other.LowestGflops),
        LowestGBps = Math.Min(LowestGBps, other.LowestGBps),
    };

    // ---- FMA peak ------------------------------------------------------------------------------------------------

    private static (double Best, double Worst) MeasureFmaPeak(int threads, int trials, double seconds)
    {
        int lanes = Use512 ? Vector512<float>.Count : Vector256<float>.Count;
        double flopsPerIteration = 2.0 * lanes * Accumulators;

        OnAllThreads(threads, _ => FmaLoop(1000)); // JIT and thread start-up
        long iterations = 1_000_000;
        double elapsed;
        while ((elapsed = OnAllThreads(threads, _ => FmaLoop(iterations))) < 0.05)
        {
            iterations *= 4;
        }

        iterations = Math.Max(1, (long)(iterations * seconds / elapsed));
        double best = 0, worst = double.MaxValue;
        for (int trial = 0; trial < trials; trial++)
        {
            elapsed = OnAllThreads(threads, _ => FmaLoop(iterations));
            double gflops = threads * iterations * flopsPerIteration / elapsed / 1e9;
            best = Math.Max(best, gflops);
            worst = Math.Min(worst, gflops);
        }

        return (best, worst);
    }

    private static float FmaLoop(long iterations)
        => Use512 ? FmaLoop512(iterations) : FmaLoop256(iterations);

    // Independent accumulators, each a chain of dependent FMAs: enough chains in flight to cover the FMA latency on
    // every FMA port. The values stay finite and normal (c ← c·0.9999999 + 1e-7 converges to 1).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop512(long iterations)
    {
        var a = Vector512.Create(0.9999999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1.00f), c1 = Vector512.Create(1.01f), c2 = Vector512.Create(1.02f);
        Vector512<float> c3 = Vector512.Create(1.03f), c4 = Vector512.Create(1.04f), c5 = Vector512.Create(1.05f);
        Vector512<float> c6 = Vector512.Create(1.06f), c7 = Vector512.Create(1.07f), c8 = Vector512.Create(1.08f);
        Vector512<float> c9 = Vector512.Create(1.09f), c10 = Vector512.Create(1.10f), c11 = Vector512.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b);
            c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b);
            c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b);
            c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b);
            c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b);
            c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b);
            c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }

        var sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        return Vector512.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop256(long iterations)
    {
        var a = Vector256.Create(0.9999999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1.00f), c1 = Vector256.Create(1.01f), c2 = Vector256.Create(1.02f);
        Vector256<float> c3 = Vector256.Create(1.03f), c4 = Vector256.Create(1.04f), c5 = Vector256.Create(1.05f);
        Vector256<float> c6 = Vector256.Create(1.06f), c7 = Vector256.Create(1.07f), c8 = Vector256.Create(1.08f);
        Vector256<float> c9 = Vector256.Create(1.09f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b);
            c1 = Fma.MultiplyAdd(c1, a, b);
            c2 = Fma.MultiplyAdd(c2, a, b);
            c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b);
            c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b);
            c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b);
            c9 = Fma.MultiplyAdd(c9, a, b);
        }

        var sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + (c8 + c9);
        return Vector256.Sum(sum);
    }

    // ---- read bandwidth ------------------------------------------------------------------------------------------

    private static (double Best, double Worst) MeasureReadBandwidth(int threads, long bufferBytes, int trials)
    {
        long length = bufferBytes / sizeof(float);
        length -= length % (threads * 64L); // every thread's share a whole number of 4-vector steps
        var buffer = GC.AllocateUninitializedArray<float>(checked((int)length));
        buffer.AsSpan().Fill(1f); // touch every page before timing

        long share = length / threads;
        OnAllThreads(threads, t => ReadSum(buffer, t * share, share)); // JIT, warm TLB
        double best = 0, worst = double.MaxValue;
        for (int trial = 0; trial < trials; trial++)
        {
            double elapsed = OnAllThreads(threads, t => ReadSum(buffer, t * share, share));
            double gbps = length * (double)sizeof(float) / elapsed / 1e9;
            best = Math.Max(best, gbps);
            worst = Math.Min(worst, gbps);
        }

        GC.KeepAlive(buffer);
        return (best, worst);
    }

    private static float ReadSum(float[] buffer, long start, long count)
        => Use512 ? ReadSum512(buffer, start, count) : ReadSum256(buffer, start, count);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ReadSum512(float[] buffer, long start, long count)
    {
        ref float origin = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), (nint)start);
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int step = Vector512<float>.Count;
        for (nuint i = 0; i < (nuint)count; i += (nuint)(4 * step))
        {
            s0 += Vector512.LoadUnsafe(ref origin, i);
            s1 += Vector512.LoadUnsafe(ref origin, i + (nuint)step);
            s2 += Vector512.LoadUnsafe(ref origin, i + (nuint)(2 * step));
            s3 += Vector512.LoadUnsafe(ref origin, i + (nuint)(3 * step));
        }

        return Vector512.Sum((s0 + s1) + (s2 + s3));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ReadSum256(float[] buffer, long start, long count)
    {
        ref float origin = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), (nint)start);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int step = Vector256<float>.Count;
        for (nuint i = 0; i < (nuint)count; i += (nuint)(4 * step))
        {
            s0 += Vector256.LoadUnsafe(ref origin, i);
            s1 += Vector256.LoadUnsafe(ref origin, i + (nuint)step);
            s2 += Vector256.LoadUnsafe(ref origin, i + (nuint)(2 * step));
            s3 += Vector256.LoadUnsafe(ref origin, i + (nuint)(3 * step));
        }

        return Vector256.Sum((s0 + s1) + (s2 + s3));
    }

    // ---- threads -------------------------------------------------------------------------------------------------

    private static float s_sink;

    /// <summary>
    /// Runs <paramref name="work"/>(thread index) on <paramref name="threads"/> dedicated threads released together;
    /// returns the seconds from the release until the last one finished.
    /// </summary>
    private static double OnAllThreads(int threads, Func<int, float> work)
    {
        using var start = new Barrier(threads + 1);
        var results = new float[threads];
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int index = t;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                results[index] = work(index);
            }) { IsBackground = true };
            workers[t].Start();
        }

        start.SignalAndWait();
        long began = Stopwatch.GetTimestamp();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        double elapsed = Stopwatch.GetElapsedTime(began).TotalSeconds;
        foreach (var result in results)
        {
            s_sink += result; // keep the loops' results alive
        }

        return elapsed;
    }
}
