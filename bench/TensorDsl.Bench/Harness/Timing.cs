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
    public static Timing Measure(Action call, TimingPolicy policy, double warmedSeconds) =>
        MeasureInterleaved([call], policy, [warmedSeconds])[0];

    /// <summary>How long one side runs before the next takes over (<see cref="MeasureInterleaved"/>).</summary>
    public const double SliceSeconds = 0.25;

    /// <summary>
    /// Times several sides of one case (ours, ONNX Runtime, other peers) in turns of <see cref="SliceSeconds"/>
    /// each, until every side has what <paramref name="policy"/> asks of one side alone. This machine's load moves
    /// over seconds (a case's median moved by 25 % between two back-to-back runs while ONNX Runtime's did not),
    /// so timing one side after the other compared two different machines; in turns, every side sees the same load.
    /// The first call of each turn is not timed: it absorbs what the previous side left behind (ONNX Runtime's
    /// worker threads spin for a while after a call; the caches hold the other side's data).
    /// </summary>
    public static Timing[] MeasureInterleaved(IReadOnlyList<Action> calls, TimingPolicy policy, IReadOnlyList<double> warmedSeconds)
    {
        int n = calls.Count;
        for (int i = 0; i < n; i++)
        {
            var warmup = Stopwatch.StartNew();
            while (warmedSeconds[i] + warmup.Elapsed.TotalSeconds < policy.WarmupSeconds)
            {
                calls[i]();
            }
        }

        var samples = new List<double>[n];
        var spent = new double[n];
        for (int i = 0; i < n; i++) samples[i] = new List<double>();
        double slice = Math.Min(SliceSeconds, policy.MinSeconds / 4);
        while (true)
        {
            bool all = true;
            for (int i = 0; i < n; i++)
            {
                if (Done(i))
                {
                    continue;
                }

                all = false;
                if (n > 1)
                {
                    calls[i](); // untimed: the turn's first call
                }

                var turn = Stopwatch.StartNew();
                do
                {
                    long start = Stopwatch.GetTimestamp();
                    calls[i]();
                    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    samples[i].Add(ms);
                    spent[i] += ms / 1e3;
                }
                while (!Done(i) && turn.Elapsed.TotalSeconds < slice);
            }

            if (all)
            {
                break;
            }
        }

        var timings = new Timing[n];
        for (int i = 0; i < n; i++)
        {
            var sorted = samples[i];
            sorted.Sort();
            int count = sorted.Count;
            double median = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
            timings[i] = new Timing(median, sorted[0], sorted[count - 1], count);
        }

        return timings;

        bool Done(int i)
        {
            int reps = samples[i].Count;
            return (reps >= policy.MinReps && spent[i] >= policy.MinSeconds) || reps >= policy.MaxReps || (reps > 0 && spent[i] >= policy.MaxSeconds);
        }
    }

    /// <summary>Runs <paramref name="call"/> once and returns its wall time in seconds.</summary>
    public static double Once(Action call)
    {
        long start = Stopwatch.GetTimestamp();
        call();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
