using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Runs one case through a kernel's generated <c>Reference</c> (the oracle) and <c>Run</c> (under test) on the
/// same inputs and checks, for every (b, h, i) row:
/// <list type="bullet">
/// <item>a row with no visible key (by the docs/semantics.md#masks rule in <see cref="KernelTraits.Visible"/>) is exactly 0 with
/// LSE exactly −∞ — in Reference too, so the oracle is held to docs/semantics.md as well;</item>
/// <item>NaN appears in exactly the same outputs/LSEs in both engines, and nowhere unless an input is NaN/±∞;</item>
/// <item>every other output and LSE agrees within <see cref="Tolerance"/>;</item>
/// <item>Run without an LSE span produces the same output (within tolerance) as with one.</item>
/// </list>
/// Run's output and LSE are pre-filled with NaN, so an element the kernel forgets to write cannot pass.
/// </summary>
public static class Harness
{
    private const int MaxReported = 25;

    /// <summary>
    /// <typeparamref name="TQ"/> is the query's and the output's element type, <typeparamref name="TKV"/> the keys' and
    /// values' (the same type unless the kernel keeps its KV cache in another one).
    /// </summary>
    public static CaseResult Check<TQ, TKV>(KernelEntry<TQ, TKV> entry, ConformanceCase c)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var traits = entry.Traits;
        CheckFits(traits, c);
        var raw = Draw(traits, c);
        var inputs = Materialize<TQ, TKV>(traits, c, raw);
        var tolerance = Tolerance.For<TQ>(traits, c, raw);

        int outLength = c.B * c.Hq * c.Sq * c.D, lseLength = c.B * c.Hq * c.Sq;
        var reference = new TQ[outLength];
        var referenceLse = new float[lseLength];
        entry.Reference(inputs, reference, referenceLse);

        var run = Filled(outLength, Num.FromDouble<TQ>(double.NaN));
        var runLse = Filled(lseLength, float.NaN);
        entry.Run(inputs, run, runLse);

        var runWithoutLse = Filled(outLength, Num.FromDouble<TQ>(double.NaN));
        entry.Run(inputs, runWithoutLse, Span<float>.Empty);

        var result = new CaseResult(c, traits, tolerance, raw,
            Num.ToDouble(reference), Num.ToDouble(run), Num.ToDouble(runWithoutLse),
            referenceLse.Select(x => (double)x).ToArray(), runLse.Select(x => (double)x).ToArray());
        Compare(result);
        return result;
    }

    private static void CheckFits(KernelTraits t, ConformanceCase c)
    {
        bool fits = (t.ConstHq is null || t.ConstHq == c.Hq) && (t.ConstHkv is null || t.ConstHkv == c.Hkv)
            && (t.ConstD is null || t.ConstD == c.D) && (t.FixedG is null || t.FixedG * c.Hkv == c.Hq)
            && c.Hkv > 0 && c.Hq % c.Hkv == 0;
        if (!fits)
        {
            throw new InvalidOperationException($"Test bug: case {c} does not fit the sizes kernel {t.Name} declares.");
        }
    }

    /// <summary>Draws the inputs in fp64 (q, k, v, bias, slopes, sinks in that order), then applies the case's mutation.</summary>
    public static RawInputs Draw(KernelTraits t, ConformanceCase c)
    {
        var random = new Random(c.Seed);
        var raw = new RawInputs(t, c)
        {
            Q = Uniform(random, c.B * c.Hq * c.Sq * c.D, c.DataScale * c.QScale),
            K = Uniform(random, c.B * c.Hkv * c.Sk * c.D, c.DataScale * c.KScale),
            V = Uniform(random, c.B * c.Hkv * c.Sk * c.D, c.DataScale * c.VScale),
        };

        if (t.Bias != BiasShape.None)
        {
            raw.BiasDims = t.Bias switch
            {
                BiasShape.Full => new[] { c.B, c.Hq, c.Sq, c.Sk },
                BiasShape.HeadKey => new[] { 1, c.Hq, 1, c.Sk },
                _ => new[] { c.B, 1, c.Sq, c.Sk },
            };
            var bias = new double[raw.BiasDims.Aggregate(1, (a, x) => a * x)];
            for (int n = 0; n < bias.Length; n++)
            {
                bias[n] = random.NextDouble() < c.BiasNegInfFraction
                    ? double.NegativeInfinity
                    : (random.NextDouble() * 2 - 1) * c.BiasScale;
            }

            raw.Bias = bias;
        }

        if (t.Alibi)
        {
            // The ALiBi paper's geometric slopes 2^(−8(h+1)/Hq), jittered so heads are not in lock step.
            raw.Slopes = Enumerable.Range(0, c.Hq)
                .Select(h => Math.Pow(2, -8.0 * (h + 1) / c.Hq) * (0.5 + random.NextDouble()))
                .ToArray();
        }

        if (t.Sinks)
        {
            raw.Sinks = Enumerable.Range(0, c.Hq).Select(_ => random.NextDouble() * 4 - 1).ToArray();
        }

        c.Mutate?.Invoke(raw);
        return raw;
    }

    /// <summary>Rounds the raw inputs to their declared types, and writes the rounded values back into <paramref name="raw"/>.</summary>
    private static KernelInputs<TQ, TKV> Materialize<TQ, TKV>(KernelTraits t, ConformanceCase c, RawInputs raw)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var inputs = new KernelInputs<TQ, TKV>
        {
            B = c.B, Hq = c.Hq, Hkv = c.Hkv, Sq = c.Sq, Sk = c.Sk, D = c.D,
            Q = Num.FromDouble<TQ>(raw.Q),
            K = Num.FromDouble<TKV>(raw.K),
            V = Num.FromDouble<TKV>(raw.V),
            Bias = raw.Bias is null ? null : Num.ToArray(t.BiasElement, raw.Bias),
            Slopes = raw.Slopes.Select(x => (float)x).ToArray(),
            Sinks = raw.Sinks.Select(x => (float)x).ToArray(),
        };
        raw.Q = Num.ToDouble(inputs.Q);
        raw.K = Num.ToDouble(inputs.K);
        raw.V = Num.ToDouble(inputs.V);
        if (raw.Bias is not null)
        {
            raw.Bias = raw.Bias.Select(x => Num.RoundTo(t.BiasElement, x)).ToArray();
        }

        raw.Slopes = inputs.Slopes.Select(x => (double)x).ToArray();
        raw.Sinks = inputs.Sinks.Select(x => (double)x).ToArray();
        return inputs;
    }

    private static void Compare(CaseResult r)
    {
        var c = r.Case;
        var t = r.Traits;
        var tol = r.Tolerance;
        var failures = new List<string>();
        int failureCount = 0;
        void Fail(string message)
        {
            if (failureCount++ < MaxReported) failures.Add(message);
        }

        bool special = r.Raw.HasNonFinite;
        for (int b = 0; b < c.B; b++)
        for (int h = 0; h < c.Hq; h++)
        for (int i = 0; i < c.Sq; i++)
        {
            string at = $"[b={b}, h={h}, i={i}]";
            int li = r.LseIndex(b, h, i), oo = r.OutOffset(b, h, i);
            double refLse = r.ReferenceLse[li], runLse = r.RunLse[li];
            if (r.VisibleCount(b, h, i) == 0 || double.IsNegativeInfinity(refLse))
            {
                string why = r.VisibleCount(b, h, i) == 0 ? "no visible key" : "Reference LSE −∞";
                if (r.VisibleCount(b, h, i) == 0 && !double.IsNegativeInfinity(refLse))
                    Fail($"{at} Reference: row has no visible key but LSE = {refLse:R} (docs/semantics.md#empty-rows: −∞)");
                if (!double.IsNegativeInfinity(runLse))
                    Fail($"{at} Run: {why} but LSE = {runLse:R}, expected exactly −∞");
                for (int d = 0; d < c.D; d++)
                {
                    if (r.Reference[oo + d] != 0) Fail($"{at} Reference: {why} but out[{d}] = {r.Reference[oo + d]:R}, expected exactly 0");
                    if (r.Run[oo + d] != 0) Fail($"{at} Run: {why} but out[{d}] = {r.Run[oo + d]:R}, expected exactly 0");
                    if (r.RunWithoutLse[oo + d] != 0) Fail($"{at} Run (no lse): {why} but out[{d}] = {r.RunWithoutLse[oo + d]:R}, expected exactly 0");
                }

                continue;
            }

            if (!special && !double.IsFinite(refLse)) Fail($"{at} Reference: LSE {refLse:R} with finite inputs and a visible key");
            CompareValue(at + " lse", refLse, runLse, tol.LseClose, special, Fail);
            for (int d = 0; d < c.D; d++)
            {
                CompareValue($"{at} out[{d}]", r.Reference[oo + d], r.Run[oo + d], tol.OutputClose, special, Fail);
                CompareValue($"{at} out[{d}] (Run without lse)", r.Reference[oo + d], r.RunWithoutLse[oo + d], tol.OutputClose, special, Fail);
            }
        }

        if (failureCount > 0)
        {
            var message = new StringBuilder();
            message.Append(CultureInfo.InvariantCulture, $"Case {c}: {failureCount} violation(s).\n  tolerance: {tol}\n");
            foreach (var line in failures) message.Append("  ").Append(line).Append('\n');
            if (failureCount > MaxReported) message.Append(CultureInfo.InvariantCulture, $"  … and {failureCount - MaxReported} more\n");
            Assert.Fail(message.ToString());
        }
    }

    private static void CompareValue(string at, double reference, double run, Func<double, double, bool> close, bool special, Action<string> fail)
    {
        if (double.IsNaN(reference) || double.IsNaN(run))
        {
            if (!special) fail($"{at}: NaN without a NaN or infinite input (ref {reference:R}, run {run:R})");
            else if (double.IsNaN(reference) != double.IsNaN(run)) fail($"{at}: NaN in one engine only (ref {reference:R}, run {run:R})");
            return;
        }

        if (double.IsInfinity(reference) || double.IsInfinity(run))
        {
            if (reference != run) fail($"{at}: ref {reference:R}, run {run:R} (infinities must match exactly)");
            return;
        }

        if (!close(run, reference))
        {
            fail(string.Create(CultureInfo.InvariantCulture, $"{at}: ref {reference:R}, run {run:R}, |Δ| = {Math.Abs(run - reference):G3}"));
        }
    }

    private static double[] Uniform(Random random, int count, double scale)
    {
        var data = new double[count];
        for (int n = 0; n < count; n++) data[n] = (random.NextDouble() * 2 - 1) * scale;
        return data;
    }

    private static T[] Filled<T>(int count, T value)
    {
        var data = new T[count];
        Array.Fill(data, value);
        return data;
    }
}

/// <summary>Both engines' results for one case, with row addressing, for targeted assertions after the generic checks.</summary>
public sealed class CaseResult
{
    private readonly int[] _visible;

    public CaseResult(ConformanceCase c, KernelTraits traits, Tolerance tolerance, RawInputs raw,
        double[] reference, double[] run, double[] runWithoutLse, double[] referenceLse, double[] runLse)
    {
        Case = c;
        Traits = traits;
        Tolerance = tolerance;
        Raw = raw;
        Reference = reference;
        Run = run;
        RunWithoutLse = runWithoutLse;
        ReferenceLse = referenceLse;
        RunLse = runLse;
        _visible = new int[c.B * c.Hq * c.Sq];
        for (int b = 0; b < c.B; b++)
        for (int h = 0; h < c.Hq; h++)
        for (int i = 0; i < c.Sq; i++)
        {
            int p = c.Sk - c.Sq + i, count = 0;
            for (int j = 0; j < c.Sk; j++)
            {
                if (traits.Visible(b, h, p, j)) count++;
            }

            _visible[LseIndex(b, h, i)] = count;
        }
    }

    public ConformanceCase Case { get; }
    public KernelTraits Traits { get; }
    public Tolerance Tolerance { get; }
    public RawInputs Raw { get; }
    public double[] Reference { get; }
    public double[] Run { get; }
    public double[] RunWithoutLse { get; }
    public double[] ReferenceLse { get; }
    public double[] RunLse { get; }

    /// <summary>Dense LSE layout [B, Hq, Sq].</summary>
    public int LseIndex(int b, int h, int i) => (b * Case.Hq + h) * Case.Sq + i;

    public int OutOffset(int b, int h, int i) => Layouts.Row(Traits.OutLayout, b, h, i, Case.Hq, Case.Sq, Case.D);

    /// <summary>How many keys the mask rule of docs/semantics.md#masks leaves visible to row (b, h, i).</summary>
    public int VisibleCount(int b, int h, int i) => _visible[LseIndex(b, h, i)];

    public double[] RunRow(int b, int h, int i) => Run.AsSpan(OutOffset(b, h, i), Case.D).ToArray();

    public double[] ReferenceRow(int b, int h, int i) => Reference.AsSpan(OutOffset(b, h, i), Case.D).ToArray();

    public IEnumerable<(int B, int H, int I)> Rows()
    {
        for (int b = 0; b < Case.B; b++)
        for (int h = 0; h < Case.Hq; h++)
        for (int i = 0; i < Case.Sq; i++)
            yield return (b, h, i);
    }
}
