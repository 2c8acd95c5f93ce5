using System;
using System.Globalization;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// How far Run may be from Reference for one case, derived from the inputs (never from either engine's output).
/// </summary>
/// <remarks>
/// <para><b>Output.</b> Each output is a convex combination of V rows, so the test is
/// <c>|run − ref| ≤ OutAtol + OutRtol · |ref|</c> with two independent sources of difference:</para>
/// <list type="number">
/// <item><b>Rounding to the output type.</b> Reference rounds the exact fp64 value once; Run rounds its fp32
/// value (for Half/BFloat16 possibly via float, i.e. twice). Each rounding moves a value by at most half an ulp,
/// <c>u_T·|x|</c> with u_T = 2^-24 (float), 2^-11 (Half), 2^-8 (BFloat16) — so the two roundings together allow
/// one ulp: <c>OutRtol = 2·u_T + 4·u</c> (u = 2^-24, the extra 4u covers the float step of a double rounding), and
/// near zero the subnormal spacing of the type joins <c>OutAtol</c>.</item>
/// <item><b>fp32 arithmetic of the kernel.</b> A score is a dot product of D terms summed in float (error
/// ≤ γ_D·Σ|q_d·k_d| ≈ D·u·Σ|q_d·k_d|, Higham §3.1), then scaled, soft-capped, biased, ALiBi'd and modified, each
/// step adding a rounding of the magnitudes involved. So every score is within
/// <c>E = 2u·[(D + 2)·M_qk + 8·(M_qk + M_bias + M_alibi + M_mod + cap + 1)]</c> of the exact one (factor 2 of
/// safety), where <c>M_qk = |scale| · max‖q_row‖₂ · max‖k_row‖₂ ≥ |scale|·Σ_d|q_d k_d|</c> (Cauchy–Schwarz) is
/// computed here from the inputs. It grows with the logit magnitude, which is why a case with scores around 1e4
/// gets a wider tolerance than one with scores around 1. Score errors ≤ E change every softmax weight ratio by
/// at most a factor e^{±2E}, i.e. every normalised weight by a relative δ = e^{2E} − 1, which moves a convex
/// combination by at most <c>2δ/(1−δ) · max|v|</c>. The online softmax then accumulates Sk rescaled terms in
/// float: ≤ about 3·Sk·u relative each for the accumulator and the denominator, bounded generously by
/// <c>16·(Sk + 4)·u · max|v|</c>.</item>
/// </list>
/// <para><b>LSE.</b> <c>LSE = log Σ e^{s_j}</c> (+ sink) moves by at most E when every score moves by at most E,
/// plus the relative error of the fp32 denominator (the same accumulation term), plus the float roundings of
/// <c>m + log l</c> and of Reference's result: <c>LseAtol = 2E + 16(Sk+4)u + 8u·M_all</c>, <c>LseRtol = 8u</c>.</para>
/// <para><b>Element types.</b> Only the output's type (<c>TOut</c>, the query's) enters the bound: its rounding. The
/// inputs' types — q's and the KV cache's, which may differ (docs/semantics.md#element-types) — do not: both engines
/// widen every input exactly, and <see cref="RawInputs"/> holds the inputs already rounded to their own types, so the
/// norms and maxima above are those of the values the kernel really reads.</para>
/// <para>Exact rules are not toleranced at all: a row with no visible key is exactly 0 with LSE exactly −∞ in
/// both engines, NaN appears in exactly the same places, and ±∞ outputs must match exactly.</para>
/// </remarks>
public sealed record Tolerance(double OutAtol, double OutRtol, double LseAtol, double LseRtol, double ScoreError, double MaxScore)
{
    public static Tolerance For<TOut>(KernelTraits traits, ConformanceCase c, RawInputs raw)
        where TOut : unmanaged
    {
        const double u = Num.U32;
        double scale = Math.Abs((double)traits.EffectiveScale(c.D));
        double mqk = scale * MaxRowNorm(raw.Q, c.D) * MaxRowNorm(raw.K, c.D);
        double mBias = raw.Bias is null ? 0 : MaxFiniteAbs(raw.Bias);
        double mAlibi = traits.Alibi ? MaxFiniteAbs(raw.Slopes) * (c.Sq + c.Sk) : 0;
        double mMod = traits.ModBound?.Invoke(c.Sq, c.Sk) ?? 0;
        double cap = traits.Softcap ?? 0;
        double mSink = traits.Sinks ? MaxFiniteAbs(raw.Sinks) : 0;

        double e = 2 * u * ((c.D + 2) * mqk + 8 * (mqk + mBias + mAlibi + mMod + cap + 1));
        double delta = Math.Exp(2 * e) - 1;
        double weights = delta < 0.5 ? 2 * delta / (1 - delta) : 2; // 2·max|v| bounds any two convex combinations
        double accumulation = 16.0 * (c.Sk + 4) * u;
        double vMax = MaxFiniteAbs(raw.V);
        double mAll = mqk + mBias + mAlibi + mMod + mSink + cap;

        return new Tolerance(
            OutAtol: vMax * (weights + accumulation) + Num.MinSpacing<TOut>(),
            OutRtol: 2 * Num.UnitRoundoff<TOut>() + 4 * u,
            LseAtol: 2 * e + accumulation + 8 * u * mAll,
            LseRtol: 8 * u,
            ScoreError: e,
            MaxScore: mAll);
    }

    public bool OutputClose(double run, double reference) =>
        Math.Abs(run - reference) <= OutAtol + OutRtol * Math.Abs(reference);

    public bool LseClose(double run, double reference) =>
        Math.Abs(run - reference) <= LseAtol + LseRtol * Math.Abs(reference);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"out |Δ| ≤ {OutAtol:G3} + {OutRtol:G3}·|ref|, lse |Δ| ≤ {LseAtol:G3} + {LseRtol:G3}·|ref| (score error bound {ScoreError:G3}, |score| ≤ {MaxScore:G4})");

    /// <summary>The largest Euclidean norm of a D-element row (rows are contiguous in every dense layout); NaNs skipped.</summary>
    private static double MaxRowNorm(double[] data, int d)
    {
        if (d == 0) return 0;
        double max = 0;
        for (int row = 0; row + d <= data.Length; row += d)
        {
            double sum = 0;
            for (int x = 0; x < d; x++)
            {
                double value = data[row + x];
                if (double.IsFinite(value)) sum += value * value;
            }

            max = Math.Max(max, Math.Sqrt(sum));
        }

        return max;
    }

    private static double MaxFiniteAbs(double[] data)
    {
        double max = 0;
        foreach (var value in data)
        {
            if (double.IsFinite(value)) max = Math.Max(max, Math.Abs(value));
        }

        return max;
    }
}
