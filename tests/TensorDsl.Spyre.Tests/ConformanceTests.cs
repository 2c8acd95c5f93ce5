using System;
using System.Collections.Generic;
using System.Linq;
using Xunit.Abstractions;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// The Spyre path (host preparation → fp16 emulator → way back) against the reference engine on the reference design's
/// cases and tolerances (docs/spyre.md#emulator, docs/testing.md): atol 0.2 / rtol 0.2, atol 0.3 / rtol 5.0 when
/// max_query_len ≥ 32; heads (4, 4) and (8, 2), D 128 and 256, block size 16. Every case also holds a far tighter
/// tolerance, <see cref="TightAtol"/> / <see cref="TightRtol"/>, which is what fp16 actually allows here.
/// </summary>
public class ConformanceTests(ITestOutputHelper output)
{
    /// <summary>The tight tolerance: a few fp16 ulps of outputs of magnitude ≲ 1, from the rounding of scores and probabilities.</summary>
    public const double TightAtol = 1e-3, TightRtol = 1e-2;

    public static readonly (int Q, int Kv)[][] Batches =
    {
        new[] { (1, 256), (2, 128), (4, 512) },
        new[] { (1, 256), (1, 128), (1, 512) },
        new[] { (72, 512), (1, 256), (4, 128) },
        new[] { (1, 128) },
        new[] { (32, 256) },
        new[] { (64, 512) },
        new[] { (100, 512) },
    };

    public static IEnumerable<object[]> Cases() =>
        from kernel in SpyreKernel.Conformance
        from index in Enumerable.Range(0, Batches.Length)
        select new object[] { kernel.Name, index };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReferenceDesignCases(string kernelName, int batchIndex) => Check(SpyreKernel.ByName(kernelName), Batches[batchIndex], seed: 1000 + batchIndex);

    [Theory]
    [InlineData("Mha4D128", 1)]
    [InlineData("Gqa8x2D128", 2)]
    [InlineData("Mha4D256", 3)]
    [InlineData("Gqa8x2D256", 4)]
    public void RandomBatches(string kernelName, int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 4; round++)
        {
            int b = random.Next(1, 6);
            var sequences = Enumerable.Range(0, b).Select(_ =>
            {
                int kv = random.Next(0, 640);
                int q = random.Next(3) switch { 0 => Math.Min(1, kv), 1 => random.Next(0, Math.Min(kv, 8) + 1), _ => random.Next(0, Math.Min(kv, 90) + 1) };
                return (q, kv);
            }).ToArray();
            Check(SpyreKernel.ByName(kernelName), sequences, seed * 100 + round);
        }
    }

    [Fact]
    public void SlidingWindowAndPerKernelBuckets()
    {
        var kernel = SpyreKernel.Window;
        Assert.Equal(128, kernel.Spec.Bucketing.KvBucket);
        Assert.Equal(8, kernel.Spec.Bucketing.QueryPadding);
        Assert.Equal(40, kernel.Spec.WindowLeft);
        Check(kernel, new[] { (1, 300), (7, 7), (50, 200), (3, 129) }, seed: 77);
    }

    /// <summary>
    /// The accuracy table of docs/spyre.md#numerics: per reference-design batch, the worst max |error| against the fp64
    /// reference over the four kernels, with the device format and with IEEE fp16. DLFloat16 has one fraction bit fewer,
    /// so its errors are larger (about 2×) — checked, so the table cannot claim a difference that is not there.
    /// </summary>
    [Fact]
    public void AccuracyInBothFormats()
    {
        var table = new System.Text.StringBuilder("| batch | DLFloat16 (device) | IEEE fp16 | tolerance |\n| --- | --- | --- | --- |\n");
        double dlWorst = 0, ieeeWorst = 0;
        for (int index = 0; index < Batches.Length; index++)
        {
            var sequences = Batches[index];
            double dl = 0, ieee = 0;
            foreach (var kernel in SpyreKernel.Conformance)
            {
                var batch = SpyreCase.Build(kernel.Spec, sequences, seed: 1000 + index);
                var expected = batch.Reference(kernel);
                dl = Math.Max(dl, Close.Measure(batch.Emulate(format: SpyreNumberFormat.DlFloat16), expected, 1, 0).MaxAbs);
                ieee = Math.Max(ieee, Close.Measure(batch.Emulate(format: SpyreNumberFormat.IeeeFp16), expected, 1, 0).MaxAbs);
            }

            var (atol, rtol) = sequences.Max(s => s.Q) >= 32 ? (0.3, 5.0) : (0.2, 0.2);
            table.Append(System.Globalization.CultureInfo.InvariantCulture, $"| [{string.Join(", ", sequences)}] | {dl:0.00E+0} | {ieee:0.00E+0} | {atol} / {rtol} |\n");
            dlWorst = Math.Max(dlWorst, dl);
            ieeeWorst = Math.Max(ieeeWorst, ieee);
        }

        output.WriteLine(table.ToString());
        Assert.True(dlWorst > 1.3 * ieeeWorst, $"DLFloat16 {dlWorst} vs IEEE {ieeeWorst}");
        Assert.True(dlWorst < TightAtol, $"DLFloat16 worst {dlWorst}");
        DocTables.Check("accuracy", table.ToString());
    }

    private void Check(SpyreKernel kernel, (int Q, int Kv)[] sequences, int seed)
    {
        var batch = SpyreCase.Build(kernel.Spec, sequences, seed);
        var expected = batch.Reference(kernel);
        var actual = batch.Emulate(out var inputs);
        int maxQuery = sequences.Select(s => s.Q).DefaultIfEmpty(0).Max();
        var (atol, rtol) = maxQuery >= 32 ? (0.3, 5.0) : (0.2, 0.2);
        var label = $"{kernel.Name} [{string.Join(", ", sequences)}]";
        Close.Assert(actual, expected, atol, rtol, label + " at the reference design's tolerance");
        Close.Assert(actual, expected, TightAtol, TightRtol, label + " at the tight tolerance");
        var (maxAbs, worst, _) = Close.Measure(actual, expected, TightAtol, TightRtol);
        output.WriteLine($"{label}: variant {inputs.Variant}, max |error| {maxAbs:E2}, worst/tight {worst:F2}");
    }
}
