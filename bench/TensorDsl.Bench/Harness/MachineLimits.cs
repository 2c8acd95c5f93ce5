using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;
using TensorDsl;

namespace TensorDsl.Bench.Harness;

/// <summary>What the machine running the benchmark can do at most, measured in the same process.</summary>
/// <param name="PeakGflops">fp32 multiply-add peak over all benchmark threads at the kernels' vector path: 2 flops per
/// lane per multiply-add.</param>
/// <param name="ReadGBps">Streaming read bandwidth over all benchmark threads, 10⁹ bytes per second.</param>
/// <param name="VectorBits">The vector width the peak and read loops used: the kernels' path (32 for scalar).</param>
/// <param name="LowestGflops">The slowest peak trial: how much a shared machine's speed moved during the run.</param>
/// <param name="LowestGBps">The slowest read pass.</param>
/// <remarks>Peaks are the best trial: on a shared virtual machine the neighbours' load changes what a core gets, and
/// the best trial is the closest to what the hardware can do. The loops run at the width of the vector path the
/// kernels use (<see cref="AttentionOptions.VectorPath"/>, <c>--path</c>) and with the multiply-add the kernels use
/// there (fused where the hardware has FMA, else a multiply and an add), so "% of peak" is against the limit of the
/// code being timed.</remarks>
internal sealed record MachineLimits(
    double PeakGflops, double ReadGBps, int VectorBits, int Threads, long BufferBytes, double LowestGflops, double LowestGBps)
{
    /// <summary>The kernels' vector path, which the loops follow.</summary>
    public static CpuVectorPath Path => AttentionOptions.VectorPath;

    public static int Bits => Path switch
    {
        CpuVectorPath.Vector512 => 512,
        CpuVectorPath.Vector256 => 256,
        CpuVectorPath.Vector128 => 128,
        _ => 32,
    };

    /// <summary>Whether the multiply-add is one fused instruction here (the kernels' rule: x86 FMA3 or Arm).</summary>
    public static bool Fused => Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    /// <summary>
    /// Independent accumulators of the peak loop: enough chains to cover the latency on every port. 16 ymm registers
    /// hold 10 FMA chains and the 2 operands on the 256-bit path; a separate multiply and add have twice the
    /// latency, so the non-fused loops keep 12 chains.
    /// </summary>
    public static int Accumulators => Path == CpuVectorPath.Vector256 && Fused ? 10 : 12;

    /// <summary>How the peak loop multiplies and adds, for the header lines.</summary>
    public static string Describe => $"{(Path == CpuVectorPath.Scalar ? "scalar" : "Vector" + Bits)}, {(Fused ? "FMA" : "multiply+add")}";

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
               $"F16C {YesNo(f16c)} (CPUID; as the runtime sees it); kernels' vector path {Path}";
    }

    /// <summary>
    /// Measures the multiply-add peak (best of <paramref name="trials"/> runs of about <paramref name="seconds"/> each)
    /// and the read bandwidth over a buffer of <paramref name="bufferBytes"/> (best of <paramref name="trials"/>
    /// passes), both on <paramref name="threads"/> threads at once. The buffer is dropped before returning.
    /// </summary>
    public static MachineLimits Measure(int threads, long bufferBytes, int trials, double seconds)
    {
        var (peak, lowestPeak) = MeasurePeak(threads, trials, seconds);
        var (bandwidth, lowestBandwidth) = MeasureReadBandwidth(threads, bufferBytes, trials);
        return new MachineLimits(peak, bandwidth, Bits, threads, bufferBytes, lowestPeak, lowestBandwidth);
    }

    /// <summary>The best and the worst of two measurements (the benchmark measures before and after its cases).</summary>
    public MachineLimits Combine(MachineLimits other) => this with
    {
        PeakGflops = Math.Max(PeakGflops, other.PeakGflops),
        ReadGBps = Math.Max(ReadGBps, other.ReadGBps),
        LowestGflops = Math.Min(LowestGflops, other.LowestGflops),
        LowestGBps = Math.Min(LowestGBps, other.LowestGBps),
    };

    // ---- multiply-add peak ---------------------------------------------------------------------------------------

    private static (double Best, double Worst) MeasurePeak(int threads, int trials, double seconds)
    {
        double flopsPerIteration = 2.0 * (Bits / 32) * Accumulators;

        OnAllThreads(threads, _ => PeakLoop(1000)); // JIT and thread start-up
        long iterations = 100_000;
        double elapsed;
        while ((elapsed = OnAllThreads(threads, _ => PeakLoop(iterations))) < 0.05)
        {
            iterations *= 4;
        }

        iterations = Math.Max(1, (long)(iterations * seconds / elapsed));
        double best = 0, worst = double.MaxValue;
        for (int trial = 0; trial < trials; trial++)
        {
            elapsed = OnAllThreads(threads, _ => PeakLoop(iterations));
            double gflops = threads * iterations * flopsPerIteration / elapsed / 1e9;
            best = Math.Max(best, gflops);
            worst = Math.Min(worst, gflops);
        }

        return (best, worst);
    }

    private static float PeakLoop(long iterations) => Path switch
    {
        CpuVectorPath.Vector512 => Vector512.Sum(PeakLoop512(iterations)),
        CpuVectorPath.Vector256 when Fused => FmaLoop256(iterations),
        CpuVectorPath.Vector256 => Vector256.Sum(PeakLoop256(iterations)),
        CpuVectorPath.Vector128 => Vector128.Sum(PeakLoop128(iterations)),
        _ => PeakLoopScalar(iterations),
    };

    // Independent accumulators, each a chain of dependent multiply-adds: enough chains in flight to cover the latency
    // on every port. The values stay finite and normal (c ← c·0.9999999 + 1e-7 converges to 1).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> PeakLoop512(long iterations)
    {
        var a = Vector512.Create(0.9999999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1.00f), c1 = Vector512.Create(1.01f), c2 = Vector512.Create(1.02f);
        Vector512<float> c3 = Vector512.Create(1.03f), c4 = Vector512.Create(1.04f), c5 = Vector512.Create(1.05f);
        Vector512<float> c6 = Vector512.Create(1.06f), c7 = Vector512.Create(1.07f), c8 = Vector512.Create(1.08f);
        Vector512<float> c9 = Vector512.Create(1.09f), c10 = Vector512.Create(1.10f), c11 = Vector512.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fused ? Vector512.FusedMultiplyAdd(c0, a, b) : (c0 * a + b);
            c1 = Fused ? Vector512.FusedMultiplyAdd(c1, a, b) : (c1 * a + b);
            c2 = Fused ? Vector512.FusedMultiplyAdd(c2, a, b) : (c2 * a + b);
            c3 = Fused ? Vector512.FusedMultiplyAdd(c3, a, b) : (c3 * a + b);
            c4 = Fused ? Vector512.FusedMultiplyAdd(c4, a, b) : (c4 * a + b);
            c5 = Fused ? Vector512.FusedMultiplyAdd(c5, a, b) : (c5 * a + b);
            c6 = Fused ? Vector512.FusedMultiplyAdd(c6, a, b) : (c6 * a + b);
            c7 = Fused ? Vector512.FusedMultiplyAdd(c7, a, b) : (c7 * a + b);
            c8 = Fused ? Vector512.FusedMultiplyAdd(c8, a, b) : (c8 * a + b);
            c9 = Fused ? Vector512.FusedMultiplyAdd(c9, a, b) : (c9 * a + b);
            c10 = Fused ? Vector512.FusedMultiplyAdd(c10, a, b) : (c10 * a + b);
            c11 = Fused ? Vector512.FusedMultiplyAdd(c11, a, b) : (c11 * a + b);
        }

        return ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
    }

    // 10 chains: with the two operands, 12 of the 16 ymm registers, so nothing spills on AVX2 hardware.
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
            c0 = Vector256.FusedMultiplyAdd(c0, a, b);
            c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b);
            c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b);
            c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b);
            c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b);
            c9 = Vector256.FusedMultiplyAdd(c9, a, b);
        }

        var sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + (c8 + c9);
        return Vector256.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> PeakLoop256(long iterations)
    {
        var a = Vector256.Create(0.9999999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1.00f), c1 = Vector256.Create(1.01f), c2 = Vector256.Create(1.02f);
        Vector256<float> c3 = Vector256.Create(1.03f), c4 = Vector256.Create(1.04f), c5 = Vector256.Create(1.05f);
        Vector256<float> c6 = Vector256.Create(1.06f), c7 = Vector256.Create(1.07f), c8 = Vector256.Create(1.08f);
        Vector256<float> c9 = Vector256.Create(1.09f), c10 = Vector256.Create(1.10f), c11 = Vector256.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = (c0 * a + b); c1 = (c1 * a + b); c2 = (c2 * a + b); c3 = (c3 * a + b);
            c4 = (c4 * a + b); c5 = (c5 * a + b); c6 = (c6 * a + b); c7 = (c7 * a + b);
            c8 = (c8 * a + b); c9 = (c9 * a + b); c10 = (c10 * a + b); c11 = (c11 * a + b);
        }

        return ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector128<float> PeakLoop128(long iterations)
    {
        var a = Vector128.Create(0.9999999f);
        var b = Vector128.Create(1e-7f);
        Vector128<float> c0 = Vector128.Create(1.00f), c1 = Vector128.Create(1.01f), c2 = Vector128.Create(1.02f);
        Vector128<float> c3 = Vector128.Create(1.03f), c4 = Vector128.Create(1.04f), c5 = Vector128.Create(1.05f);
        Vector128<float> c6 = Vector128.Create(1.06f), c7 = Vector128.Create(1.07f), c8 = Vector128.Create(1.08f);
        Vector128<float> c9 = Vector128.Create(1.09f), c10 = Vector128.Create(1.10f), c11 = Vector128.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fused ? Vector128.FusedMultiplyAdd(c0, a, b) : (c0 * a + b);
            c1 = Fused ? Vector128.FusedMultiplyAdd(c1, a, b) : (c1 * a + b);
            c2 = Fused ? Vector128.FusedMultiplyAdd(c2, a, b) : (c2 * a + b);
            c3 = Fused ? Vector128.FusedMultiplyAdd(c3, a, b) : (c3 * a + b);
            c4 = Fused ? Vector128.FusedMultiplyAdd(c4, a, b) : (c4 * a + b);
            c5 = Fused ? Vector128.FusedMultiplyAdd(c5, a, b) : (c5 * a + b);
            c6 = Fused ? Vector128.FusedMultiplyAdd(c6, a, b) : (c6 * a + b);
            c7 = Fused ? Vector128.FusedMultiplyAdd(c7, a, b) : (c7 * a + b);
            c8 = Fused ? Vector128.FusedMultiplyAdd(c8, a, b) : (c8 * a + b);
            c9 = Fused ? Vector128.FusedMultiplyAdd(c9, a, b) : (c9 * a + b);
            c10 = Fused ? Vector128.FusedMultiplyAdd(c10, a, b) : (c10 * a + b);
            c11 = Fused ? Vector128.FusedMultiplyAdd(c11, a, b) : (c11 * a + b);
        }

        return ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float PeakLoopScalar(long iterations)
    {
        const float a = 0.9999999f, b = 1e-7f;
        float c0 = 1.00f, c1 = 1.01f, c2 = 1.02f, c3 = 1.03f, c4 = 1.04f, c5 = 1.05f;
        float c6 = 1.06f, c7 = 1.07f, c8 = 1.08f, c9 = 1.09f, c10 = 1.10f, c11 = 1.11f;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fused ? MathF.FusedMultiplyAdd(c0, a, b) : (c0 * a + b);
            c1 = Fused ? MathF.FusedMultiplyAdd(c1, a, b) : (c1 * a + b);
            c2 = Fused ? MathF.FusedMultiplyAdd(c2, a, b) : (c2 * a + b);
            c3 = Fused ? MathF.FusedMultiplyAdd(c3, a, b) : (c3 * a + b);
            c4 = Fused ? MathF.FusedMultiplyAdd(c4, a, b) : (c4 * a + b);
            c5 = Fused ? MathF.FusedMultiplyAdd(c5, a, b) : (c5 * a + b);
            c6 = Fused ? MathF.FusedMultiplyAdd(c6, a, b) : (c6 * a + b);
            c7 = Fused ? MathF.FusedMultiplyAdd(c7, a, b) : (c7 * a + b);
            c8 = Fused ? MathF.FusedMultiplyAdd(c8, a, b) : (c8 * a + b);
            c9 = Fused ? MathF.FusedMultiplyAdd(c9, a, b) : (c9 * a + b);
            c10 = Fused ? MathF.FusedMultiplyAdd(c10, a, b) : (c10 * a + b);
            c11 = Fused ? MathF.FusedMultiplyAdd(c11, a, b) : (c11 * a + b);
        }

        return ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
    }

    // ---- read bandwidth ------------------------------------------------------------------------------------------

    private static (double Best, double Worst) MeasureReadBandwidth(int threads, long bufferBytes, int trials)
    {
        long length = bufferBytes / sizeof(float);
        length -= length % (threads * 64L); // every thread's share a whole number of 4-vector steps
        var buffer = GC.AllocateUninitializedArray<float>(checked((int)length));
        // Touch every page before timing, with values no two pages share: filled with one constant, every page of the
        // buffer was alike, and a host that merges identical pages (KSM, as virtual machines commonly run) backed
        // more and more of it with one physical page as the run went on — the loop then read cache, and this figure
        // rose from ~40 to over 160 GB/s within one run on the 2-vCPU machine of docs/benchmarks.md.
        for (long i = 0; i < length; i++)
        {
            buffer[i] = (uint)(i * 2654435761L); // Knuth's multiplicative hash: distinct for every index below 2^32
        }

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

    private static float ReadSum(float[] buffer, long start, long count) => Path switch
    {
        CpuVectorPath.Vector512 => ReadSum512(buffer, start, count),
        CpuVectorPath.Vector256 => ReadSum256(buffer, start, count),
        CpuVectorPath.Vector128 => ReadSum128(buffer, start, count),
        _ => ReadSumScalar(buffer, start, count),
    };

    // Four sums in flight at the path's width.
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

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ReadSum128(float[] buffer, long start, long count)
    {
        ref float origin = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), (nint)start);
        Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int step = Vector128<float>.Count;
        for (nuint i = 0; i < (nuint)count; i += (nuint)(4 * step))
        {
            s0 += Vector128.LoadUnsafe(ref origin, i);
            s1 += Vector128.LoadUnsafe(ref origin, i + (nuint)step);
            s2 += Vector128.LoadUnsafe(ref origin, i + (nuint)(2 * step));
            s3 += Vector128.LoadUnsafe(ref origin, i + (nuint)(3 * step));
        }

        return Vector128.Sum((s0 + s1) + (s2 + s3));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ReadSumScalar(float[] buffer, long start, long count)
    {
        ref float origin = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), (nint)start);
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (nint i = 0; i < (nint)count; i += 4)
        {
            s0 += Unsafe.Add(ref origin, i);
            s1 += Unsafe.Add(ref origin, i + 1);
            s2 += Unsafe.Add(ref origin, i + 2);
            s3 += Unsafe.Add(ref origin, i + 3);
        }

        return (s0 + s1) + (s2 + s3);
    }

    // ---- threads -------------------------------------------------------------------------------------------------

    private static float s_sink;

    /// <summary>
    /// Runs <paramref name="work"/>(thread index) on <paramref name="threads"/> dedicated threads released together;
    /// returns the seconds from the first one's start to the last one's finish, as the workers themselves clock them.
    /// The calling thread used to start the clock after the release, but with as many workers as cores it was often
    /// not scheduled again until a worker finished, so the clock started late: on the 2-vCPU machine of
    /// docs/benchmarks.md the read bandwidth came out anywhere from 38 to over 110 GB/s against ~40–48 GB/s from
    /// the workers' own clocks.
    /// </summary>
    private static double OnAllThreads(int threads, Func<int, float> work)
    {
        using var start = new Barrier(threads);
        var results = new float[threads];
        var began = new long[threads];
        var ended = new long[threads];
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int index = t;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                began[index] = Stopwatch.GetTimestamp();
                results[index] = work(index);
                ended[index] = Stopwatch.GetTimestamp();
            }) { IsBackground = true };
            workers[t].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        foreach (var result in results)
        {
            s_sink += result; // keep the loops' results alive
        }

        long first = began.Min(), last = ended.Max();
        return (last - first) / (double)Stopwatch.Frequency;
    }
}
