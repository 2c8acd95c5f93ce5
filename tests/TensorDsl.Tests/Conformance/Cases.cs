using System;

namespace TensorDsl.Tests.Conformance;

/// <summary>Builds cases for the chosen-edge tests, fitting the requested sizes to what a kernel declares.</summary>
internal static class Cases
{
    /// <summary>
    /// A case for <paramref name="kernel"/>: const sizes of the declaration override the requested ones (Hq from a
    /// fixed G·Hkv), so one table of sizes can drive kernels with and without constants.
    /// </summary>
    public static ConformanceCase For(string label, string kernel, int b, int hq, int hkv, int sq, int sk, int d, int seed = 7)
    {
        var t = KernelCatalog.Get(kernel).Traits;
        hkv = t.ConstHkv ?? hkv;
        hq = t.ConstHq ?? (t.FixedG is { } g ? g * hkv : hq);
        d = t.ConstD ?? d;
        return new ConformanceCase(label, kernel, b, hq, hkv, sq, sk, d, seed);
    }

    public static CaseResult Check(ConformanceCase c) => KernelCatalog.Get(c.Kernel).Check(c);

    public static void AssertEmptyRow(CaseResult r, int b, int h, int i)
    {
        string at = $"{r.Case} row [b={b}, h={h}, i={i}]";
        Assert.True(double.IsNegativeInfinity(r.ReferenceLse[r.LseIndex(b, h, i)]), $"{at}: Reference LSE should be −∞");
        Assert.True(double.IsNegativeInfinity(r.RunLse[r.LseIndex(b, h, i)]), $"{at}: Run LSE should be −∞");
        Assert.All(r.RunRow(b, h, i), x => Assert.True(x == 0, $"{at}: Run output {x} should be exactly 0"));
        Assert.All(r.ReferenceRow(b, h, i), x => Assert.True(x == 0, $"{at}: Reference output {x} should be exactly 0"));
    }

    public static void AssertLiveRow(CaseResult r, int b, int h, int i)
    {
        string at = $"{r.Case} row [b={b}, h={h}, i={i}]";
        Assert.True(double.IsFinite(r.RunLse[r.LseIndex(b, h, i)]), $"{at}: Run LSE should be finite, is {r.RunLse[r.LseIndex(b, h, i)]}");
        Assert.All(r.RunRow(b, h, i), x => Assert.True(double.IsFinite(x), $"{at}: Run output {x} should be finite"));
    }

    public static void AssertNaNRow(CaseResult r, int b, int h, int i)
    {
        string at = $"{r.Case} row [b={b}, h={h}, i={i}]";
        Assert.True(double.IsNaN(r.ReferenceLse[r.LseIndex(b, h, i)]), $"{at}: Reference LSE should be NaN");
        Assert.True(double.IsNaN(r.RunLse[r.LseIndex(b, h, i)]), $"{at}: Run LSE should be NaN");
        Assert.All(r.RunRow(b, h, i), x => Assert.True(double.IsNaN(x), $"{at}: Run output {x} should be NaN"));
        Assert.All(r.ReferenceRow(b, h, i), x => Assert.True(double.IsNaN(x), $"{at}: Reference output {x} should be NaN"));
    }
}
