using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// One conformance case: which kernel, the sizes, and how its inputs are made. Inputs are a pure function of the
/// case (System.Random seeded with <see cref="Seed"/>), so a failing case is reproduced from its name alone.
/// </summary>
public sealed record ConformanceCase(string Label, string Kernel, int B, int Hq, int Hkv, int Sq, int Sk, int D, int Seed)
{
    /// <summary>q, k and v are drawn uniformly from [−DataScale, DataScale), then multiplied by their own scale.</summary>
    public double DataScale { get; init; } = 1;

    public double QScale { get; init; } = 1;

    public double KScale { get; init; } = 1;

    public double VScale { get; init; } = 1;

    /// <summary>Bias values are uniform in [−BiasScale, BiasScale); this fraction of them is −∞ instead.</summary>
    public double BiasScale { get; init; } = 2;

    public double BiasNegInfFraction { get; init; }

    /// <summary>Edits the raw (fp64, pre-rounding) inputs after they are drawn: NaN, ±∞, patterns.</summary>
    public Action<RawInputs>? Mutate { get; init; }

    /// <summary>Says what <see cref="Mutate"/> does, for the case's name.</summary>
    public string? MutateLabel { get; init; }

    public int G => Hkv == 0 ? 0 : Hq / Hkv;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{Label} {Kernel} B{B} Hq{Hq}/Hkv{Hkv} Sq{Sq} Sk{Sk} D{D} seed{Seed}");
        if (DataScale != 1) text.Append(CultureInfo.InvariantCulture, $" x{DataScale:G3}");
        if (QScale != 1 || KScale != 1) text.Append(CultureInfo.InvariantCulture, $" qk×{QScale:G3}/{KScale:G3}");
        if (VScale != 1) text.Append(CultureInfo.InvariantCulture, $" v×{VScale:G3}");
        if (BiasNegInfFraction > 0) text.Append(CultureInfo.InvariantCulture, $" bias-inf{BiasNegInfFraction:G2}");
        if (MutateLabel is not null) text.Append(' ').Append(MutateLabel);
        return text.ToString();
    }
}

/// <summary>
/// A case's inputs in fp64 before they are rounded to the kernel's element types, with the index maps of their
/// declared layouts (so a mutation can say "q[b, h, i, d]" whatever the layout).
/// </summary>
public sealed class RawInputs
{
    public RawInputs(KernelTraits traits, ConformanceCase c)
    {
        Traits = traits;
        Case = c;
    }

    public KernelTraits Traits { get; }

    public ConformanceCase Case { get; }

    public double[] Q { get; set; } = Array.Empty<double>();

    public double[] K { get; set; } = Array.Empty<double>();

    public double[] V { get; set; } = Array.Empty<double>();

    public double[]? Bias { get; set; }

    public int[] BiasDims { get; set; } = Array.Empty<int>();

    public double[] Slopes { get; set; } = Array.Empty<double>();

    public double[] Sinks { get; set; } = Array.Empty<double>();

    public int QIndex(int b, int h, int i, int d) => Layouts.Row(Traits.QLayout, b, h, i, Case.Hq, Case.Sq, Case.D) + d;

    public int KIndex(int b, int kvh, int j, int d) => Layouts.Row(Traits.KvLayout, b, kvh, j, Case.Hkv, Case.Sk, Case.D) + d;

    /// <summary>Index of bias[b, h, i, j] in the bias as declared (broadcast dimensions collapse to 0).</summary>
    /// <summary>Whether any input is NaN or ±∞ (then NaN outputs are legitimate, and LSE −∞ with visible keys too).</summary>
    public bool HasNonFinite =>
        new[] { Q, K, V, Bias ?? Array.Empty<double>(), Slopes, Sinks }.Any(a => a.Any(x => !double.IsFinite(x)));

    public int BiasIndex(int b, int h, int i, int j)
    {
        var d = BiasDims;
        b = d[0] == 1 ? 0 : b;
        h = d[1] == 1 ? 0 : h;
        i = d[2] == 1 ? 0 : i;
        j = d[3] == 1 ? 0 : j;
        return ((b * d[1] + h) * d[2] + i) * d[3] + j;
    }
}

/// <summary>Row-major offsets of dense layouts.</summary>
public static class Layouts
{
    /// <summary>Offset of element [b, h, s, 0] of a dense tensor with <paramref name="heads"/> heads and length <paramref name="length"/>.</summary>
    public static int Row(Layout layout, int b, int h, int s, int heads, int length, int d) => layout switch
    {
        Layout.Bhsd => ((b * heads + h) * length + s) * d,
        Layout.Bshd => ((b * length + s) * heads + h) * d,
        _ => throw new NotSupportedException(layout.ToString()),
    };
}
