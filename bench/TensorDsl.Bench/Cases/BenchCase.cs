using System;

namespace TensorDsl.Bench.Cases;

/// <summary>What a case's "pct" column is a percentage of.</summary>
internal enum Bound
{
    /// <summary>Compute-bound: GFLOP/s as a percentage of the measured FMA peak.</summary>
    FmaPeak,

    /// <summary>Memory-bound: K+V bytes read per second as a percentage of the measured read bandwidth.</summary>
    ReadBandwidth,
}

/// <summary>
/// One benchmark case: the same attention problem for a generated TensorDsl kernel and for ONNX Runtime. The
/// runner (<see cref="CaseRunner"/>) prepares the data, runs and checks each side once, then times it.
/// </summary>
internal abstract class BenchCase
{
    protected BenchCase(bool smoke) => Smoke = smoke;

    /// <summary>Tiny shapes (the <c>--smoke</c> run) instead of the real ones.</summary>
    public bool Smoke { get; }

    public abstract string Name { get; }

    /// <summary>The shape in words, e.g. "prefill B=1 L=2048 causal, Hq 32 / Hkv 8, D 128, fp32".</summary>
    public abstract string Description { get; }

    /// <summary>4·Hq·D per (query row, visible key) pair: the two matrix products, 2 flops per multiply-add.</summary>
    public abstract double Flops { get; }

    public abstract Bound Bound { get; }

    /// <summary>K and V bytes one call reads (each visible key and value row once).</summary>
    public abstract double KvBytes { get; }

    /// <summary>What ONNX Runtime runs for this case, in words.</summary>
    public abstract string OrtPlan { get; }

    /// <summary>The largest max-abs difference between ONNX Runtime and our kernel that passes.</summary>
    public virtual double OrtTolerance => 1e-3;

    /// <summary>The largest max-abs difference between our kernel and the fp64 reference engine (smoke runs).</summary>
    public virtual double ReferenceTolerance => 1e-4;

    /// <summary>Why our kernel does not run in this build, or null when it does.</summary>
    public virtual string? OursUnavailable => null;

    /// <summary>Why ONNX Runtime cannot run this case, or null when it can.</summary>
    public virtual string? OrtUnavailable => null;

    /// <summary>Allocates and fills the inputs (seeded).</summary>
    public abstract void Prepare(Random random);

    public abstract void RunOurs();

    /// <summary>Our last output, as fp32 in the layout ONNX Runtime writes.</summary>
    public abstract float[] OursOutput();

    /// <summary>Runs the declaration's eager fp64 reference and returns max |ours − reference| (smoke runs only).</summary>
    public abstract double ReferenceError();

    /// <summary>Creates the ONNX Runtime session and binds every call's inputs and outputs.</summary>
    public abstract void PrepareOrt(int threads);

    public abstract void RunOrt();

    public abstract float[] OrtOutput();

    /// <summary>What ONNX Runtime's output is checked against: our output, unless our kernel is unavailable.</summary>
    public virtual float[] OrtOracle() => OursOutput();

    /// <summary>Drops the ONNX Runtime session and every buffer.</summary>
    public abstract void Release();

    /// <summary>4·Hq·D·(Lq·(Lk − Lq) + Lq·(Lq + 1)/2): the visible (row, key) pairs of a causal bottom-right-aligned sequence.</summary>
    protected static double CausalPairs(long queries, long keys)
        => queries * (double)(keys - queries) + queries * (queries + 1) / 2.0;
}
