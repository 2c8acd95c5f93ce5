using System;
using System.Collections.Generic;
using TensorDsl.Bench.Harness;

namespace TensorDsl.Bench.Cases;

/// <summary>The outcome of one case. Rates are null where a side did not run.</summary>
internal sealed record CaseResult(
    string Case, string Description, string OrtPlan, Bound Bound, double Flops, double KvBytes,
    Timing? Ours, string? OursNote, Timing? Ort, string? OrtNote, double? OrtError, double? ReferenceError,
    int Threads, string? Error, IReadOnlyList<PeerResult> Peers)
{
    public bool Failed => Error is not null;

    public double? Gflops => Ours is null ? null : Flops / (Ours.MedianMs * 1e6);

    public double? OrtGflops => Ort is null ? null : Flops / (Ort.MedianMs * 1e6);

    /// <summary>K/V bytes per second, 10⁹ (decode cases).</summary>
    public double? GBps => Ours is null ? null : KvBytes / (Ours.MedianMs * 1e6);

    /// <summary>Percentage of the FMA peak (compute-bound cases) or of the read bandwidth (decode).</summary>
    public double? Pct(MachineLimits limits)
    {
        double? pct = Bound == Bound.FmaPeak ? Gflops * 100 / limits.PeakGflops : GBps * 100 / limits.ReadGBps;
        return pct is { } value && double.IsFinite(value) ? value : null;
    }

    /// <summary>
    /// The roofline time, ms: the K/V bytes at the read bandwidth plus the FLOPs at the peak (the issue's
    /// <c>time_min</c>). The sum, not the max: a case that is half decodes and half prefill, like M1, needs both
    /// limits in turn.
    /// </summary>
    public double? RooflineMs(MachineLimits limits)
    {
        double ms = (KvBytes / (limits.ReadGBps * 1e9) + Flops / (limits.PeakGflops * 1e9)) * 1e3;
        return double.IsFinite(ms) && ms > 0 ? ms : null;
    }

    /// <summary>The roofline time as a percentage of our median: how close the kernel runs to both limits at once.</summary>
    public double? RooflinePct(MachineLimits limits) => Ours is null ? null : RooflineMs(limits) * 100 / Ours.MedianMs;

    /// <summary>How far a side's median sits above its fastest call: above <see cref="NoisyRatio"/> the run was noisy.</summary>
    public const double NoisyRatio = 1.15;

    public bool Noisy => (Ours is { } o && o.MedianMs > NoisyRatio * o.MinMs) || (Ort is { } t && t.MedianMs > NoisyRatio * t.MinMs);

    /// <summary>Our speed over ONNX Runtime's: ORT ms / our ms (above 1: we are faster).</summary>
    public double? VsOrt => Ours is null || Ort is null ? null : Ort.MedianMs / Ours.MedianMs;
}

/// <summary>
/// Runs one case: prepare, run and check each side once (ours, ONNX Runtime, other peers), then time the sides that
/// passed in turns (<see cref="Timing.MeasureInterleaved"/>); never throws.
/// </summary>
internal static class CaseRunner
{
    public static CaseResult Run(BenchCase benchCase, BenchOptions options, IReadOnlyList<IPeer> peers)
    {
        var peerResults = new List<PeerResult>();
        var peerCalls = new List<IPeerCall>();
        // Each side timed: its label, the plan printed after its timing, the call, its checked first call's seconds,
        // and where its timing goes.
        var sides = new List<(string Label, string Plan, Action Call, double First, Action<Timing> Record)>();
        string name = benchCase.Name;
        Console.WriteLine($"{name}: {benchCase.Description}");
        Timing? ours = null, ort = null;
        string? oursNote = benchCase.OursUnavailable, ortNote = options.NoOrt ? "not run (--no-ort)" : benchCase.OrtUnavailable;
        double? ortError = null, referenceError = null;
        string? error = null;
        string stage = "preparing the data";
        try
        {
            benchCase.Prepare(new Random(options.Seed));

            if (oursNote is not null)
            {
                Console.WriteLine($"{name}: skipped ({oursNote})");
            }
            else
            {
                stage = "running our kernel";
                double first = Timing.Once(benchCase.RunOurs);
                if (options.Smoke || options.CheckReference)
                {
                    stage = "running the reference engine";
                    referenceError = benchCase.ReferenceError();
                    Console.WriteLine($"    ours vs fp64 reference: max abs error {referenceError:E2} (tolerance {benchCase.ReferenceTolerance:E0})");
                    if (!(referenceError <= benchCase.ReferenceTolerance))
                    {
                        error = $"our kernel differs from the fp64 reference: max abs error {referenceError:E2} > {benchCase.ReferenceTolerance:E0}";
                        Console.WriteLine($"{name}: ERROR {error}");
                    }
                }

                sides.Add(("ours", "", benchCase.RunOurs, first, timing => ours = timing));
            }

            if (ortNote is null)
            {
                stage = "setting up ONNX Runtime";
                benchCase.PrepareOrt(options.Threads);
                stage = "running ONNX Runtime";
                double first = Timing.Once(benchCase.RunOrt);
                ortError = Data.MaxAbsError(benchCase.OrtOutput(), benchCase.OrtOracle());
                string against = oursNote is null ? "ours" : "fp32 oracle";
                Console.WriteLine($"    ORT vs {against}: max abs error {ortError:E2} (tolerance {benchCase.OrtTolerance:E0})");
                if (!(ortError <= benchCase.OrtTolerance))
                {
                    string mismatch = $"ONNX Runtime's output differs from {against}: max abs error {ortError:E2} > {benchCase.OrtTolerance:E0}; ORT not timed";
                    error = error is null ? mismatch : error + "; " + mismatch;
                    Console.WriteLine($"{name}: ERROR {mismatch}");
                }
                else
                {
                    sides.Add(("ORT", $" — {benchCase.OrtPlan}", benchCase.RunOrt, first, timing => ort = timing));
                }
            }
            else
            {
                Console.WriteLine($"    ORT: n/a ({ortNote})");
            }

            foreach (var peer in peers)
            {
                stage = $"running {peer.Name}";
                var (call, failure, peerError, first) = PreparePeer(peer, benchCase, options, oursNote is null ? benchCase.OursOutput() : null);
                if (call is null)
                {
                    peerResults.Add(failure!);
                    error = error is null ? failure!.Note : error + "; " + failure!.Note;
                    continue;
                }

                peerCalls.Add(call);
                sides.Add((peer.Name, $" — {call.Plan}", call.Run, first,
                    timing => peerResults.Add(new PeerResult(peer.Name, call.Plan, timing, peerError, null))));
            }

            if (sides.Count > 0)
            {
                stage = "timing";
                var timings = Timing.MeasureInterleaved(sides.ConvertAll(side => side.Call), options.Policy, sides.ConvertAll(side => side.First));
                for (int i = 0; i < sides.Count; i++)
                {
                    var (label, plan, _, _, record) = sides[i];
                    var t = timings[i];
                    record(t);
                    Console.WriteLine($"    {label}: {t.MedianMs:F3} ms median of {t.Reps} (min {t.MinMs:F3}, max {t.MaxMs:F3}){plan}");
                }
            }
        }
        catch (Exception exception)
        {
            string failure = $"{stage} failed: {exception.GetType().Name}: {exception.Message}";
            error = error is null ? failure : error + "; " + failure;
            Console.WriteLine($"{name}: ERROR {failure}");
        }
        finally
        {
            foreach (var call in peerCalls) call.Dispose();
            benchCase.Release();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return new CaseResult(
            name, benchCase.Description, benchCase.OrtPlan, benchCase.Bound, benchCase.Flops, benchCase.KvBytes,
            ours, oursNote, ort, ortNote, ortError, referenceError, options.Threads, error, peerResults);
    }

    /// <summary>
    /// Binds, runs and checks a peer against our output: its call to time, or a failure or mismatch as a result
    /// with no timing (never thrown).
    /// </summary>
    private static (IPeerCall? Call, PeerResult? Failure, double? Error, double First) PreparePeer(
        IPeer peer, BenchCase benchCase, BenchOptions options, float[]? oursOutput)
    {
        string name = benchCase.Name, stage = "binding";
        IPeerCall? call = null;
        try
        {
            call = peer.Prepare(benchCase, options.Threads);
            stage = "running";
            double first = Timing.Once(call.Run);
            double? error = null;
            if (oursOutput is not null)
            {
                error = Data.MaxAbsError(call.Output(), oursOutput);
                Console.WriteLine($"    {peer.Name} vs ours: max abs error {error:E2} (tolerance {call.Tolerance:E0})");
                if (!(error <= call.Tolerance))
                {
                    string mismatch = $"{peer.Name}'s output differs from ours: max abs error {error:E2} > {call.Tolerance:E0}; {peer.Name} not timed";
                    Console.WriteLine($"{name}: ERROR {mismatch}");
                    var failed = new PeerResult(peer.Name, call.Plan, null, error, mismatch);
                    call.Dispose();
                    return (null, failed, error, 0);
                }
            }

            return (call, null, error, first);
        }
        catch (Exception exception)
        {
            string failure = $"{peer.Name} {stage} failed: {exception.GetType().Name}: {exception.Message}";
            Console.WriteLine($"{name}: ERROR {failure}");
            string? plan = call?.Plan;
            call?.Dispose();
            return (null, new PeerResult(peer.Name, plan, null, null, failure), null, 0);
        }
    }
}
