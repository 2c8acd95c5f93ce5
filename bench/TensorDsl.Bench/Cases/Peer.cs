using System;
using TensorDsl.Bench.Harness;

namespace TensorDsl.Bench.Cases;

/// <summary>
/// Another attention implementation timed beside ours and ONNX Runtime's on the same case, the same inputs and the
/// same timing policy. The bench itself has none (its output is unchanged); a host program passes some to
/// <see cref="BenchMain.Run"/>, e.g. bench/TensorDsl.Bench.Torch adds PyTorch's scaled_dot_product_attention
/// (docs/benchmarks.md, "PyTorch SDPA (opt-in)").
/// </summary>
internal interface IPeer
{
    /// <summary>The column label, e.g. "torch".</summary>
    string Name { get; }

    /// <summary>What runs, with its version, for the header line.</summary>
    string Describe { get; }

    /// <summary>
    /// Binds one call to <paramref name="benchCase"/>'s prepared inputs (after <see cref="BenchCase.Prepare"/>);
    /// copies or conversions belong here, outside the timed region. Throws <see cref="NotSupportedException"/> for a
    /// case the peer does not map.
    /// </summary>
    IPeerCall Prepare(BenchCase benchCase, int threads);
}

/// <summary>One peer's bound call on one case.</summary>
internal interface IPeerCall : IDisposable
{
    /// <summary>What the call runs, in words (the table's notes).</summary>
    string Plan { get; }

    /// <summary>The largest max-abs difference from our output that passes.</summary>
    double Tolerance { get; }

    /// <summary>The timed call.</summary>
    void Run();

    /// <summary>The last call's output as fp32 in our output's layout.</summary>
    float[] Output();
}

/// <summary>A peer's outcome on one case: its timing, or why it did not run.</summary>
internal sealed record PeerResult(string Peer, string? Plan, Timing? Timing, double? Error, string? Note)
{
    public bool Noisy => Timing is { } t && t.MedianMs > CaseResult.NoisyRatio * t.MinMs;
}
