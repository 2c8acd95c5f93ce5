using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace TensorDsl.Bench.Harness;

/// <summary>
/// How long to time one side of a case. After warm-up, calls are timed one by one until at least
/// <see cref="MinReps"/> calls and <see cref="MinSeconds"/> have passed, or <see cref="MaxReps"/> calls, or
/// (with at least one timed call) <see cref="MaxSeconds"/>: slow kernels stop early, fast ones get many samples.
/// </summary>
internal sealed record TimingPolicy(double WarmupSeconds, int MinReps, double MinSeconds, double MaxSeconds, int MaxReps)
{
    public static TimingPolicy Full { get; } = new(WarmupSeconds: 0.5, MinReps: 3, MinSeconds: 2, MaxSeconds: 60, MaxReps: 1000);

    /// <summary>Short calls measured many times, for the hand-off table.</summary>
    public static TimingPolicy Quick { get; } = new(WarmupSeconds: 0.1, MinReps: 50, MinSeconds: 0.3, MaxSeconds: 2, MaxReps: 20000);

    public static TimingPolicy Smoke { get; } = new(WarmupSeconds: 0.02, MinReps: 3, MinSeconds: 0.05, MaxSeconds: 0.5, MaxReps: 100);
}

/// <summary>Per-call wall times of one side of a case.</summary>
internal sealed record Timing(double MedianMs, double MinMs, double MaxMs, int Reps)
{
    /// <summary>
    /// Times <paramref name="call"/> under <paramref name="policy"/>. <paramref name="warmedSeconds"/> is how long the
    /// caller already spent calling it (the checked first call), counted towards the warm-up.
    /// </summary>
    public static Timing Measure(Action call, TimingPolicy policy, double warmedSeconds)
    {
        var warmup = Stopwatch.StartNew();
        while (warmedSeconds + warmup.Elapsed.TotalSeconds < policy.WarmupSeconds)
        {
            call();
        }

        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            double elapsed = total.Elapsed.TotalSeconds;
            bool enough = samples.Count >= policy.MinReps && elapsed >= policy.MinSeconds;
            if (enough || samples.Count >= policy.MaxReps || elapsed >= policy.MaxSeconds)
            {
                break;
            }
        }

        samples.Sort();
        int n = samples.Count;
        double median = n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
        return new Timing(median, samples[0], samples[n - 1], n);
    }

    /// <summary>Runs <paramref name="call"/> once and returns its wall time in seconds.</summary>
    public static double Once(Action call)
    {
        long start = Stopwatch.GetTimestamp();
        call();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
