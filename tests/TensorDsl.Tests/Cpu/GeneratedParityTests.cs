using System;
using System.Linq;
using TensorDsl.Cpu;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Cpu;

/// <summary>
/// The driver must reproduce today's generated kernels bit for bit when given the spec the generator will emit
/// for the same declaration (the online-softmax numerics are the contract), and agree with their reference
/// engine (<c>Reference</c>, the eager fp64 oracle) within tolerance.
/// </summary>
public sealed class GeneratedParityTests
{
    private static T[] RandomData<T>(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => Workload.From<T>(random.NextDouble() * 2 - 1)).ToArray();

    [Fact]
    public void Everything_kernel_bit_identical()
    {
        const int b = 2, hq = 4, hkv = 2, sq = 19, sk = 37, d = 24;
        var random = new Random(3);
        var q = RandomData<float>(random, b * hq * sq * d);
        var k = RandomData<float>(random, b * hkv * sk * d);
        var v = RandomData<float>(random, b * hkv * sk * d);
        var bias = RandomData<float>(random, b * hq * sq * sk);
        var slopes = new[] { 0.5f, 0.25f, 0.125f, 0.0625f };
        var sinks = new[] { 0.3f, -1f, 2f, 0f };
        var expected = new float[q.Length];
        var expectedLse = new float[b * hq * sq];
        F32BhsdEverything.Run(q, k, v, bias, slopes, sinks, expected, B: b, Hq: hq, Sq: sq, D: d, Hkv: hkv, Sk: sk, lse: expectedLse);

        var output = new float[q.Length];
        var lse = new float[expectedLse.Length];
        var problem = AttentionProblem.Dense(
            b, hq, hkv, sq, sk, d, d, RowAddressing.Bhsd(hq, sq, d), KvAddressing.Bhsd(hkv, sk, d),
            KvAddressing.Bhsd(hkv, sk, d), RowAddressing.Bhsd(hq, sq, d));
        var inputs = new ScoreInputs { Side0 = SideTensor.Bias<float>(bias, b, hq, sq, sk), Side1 = SideTensor.PerHead(slopes) };
        AttentionDriver.Run<EverythingSpec, float, float, float>(problem, q, k, v, output, lse, sinks, inputs);

        Assert.Equal(expected, output);
        Assert.Equal(expectedLse, lse);
    }

    [Fact]
    public void Half_gpt_oss_kernel_bit_identical_and_close_to_reference()
    {
        const int b = 2, hq = 6, hkv = 2, sq = 13, sk = 30, d = 32;
        var random = new Random(4);
        var q = RandomData<Half>(random, b * sq * hq * d);
        var k = RandomData<Half>(random, b * sk * hkv * d);
        var v = RandomData<Half>(random, b * sk * hkv * d);
        var sinks = new[] { 0.5f, -2f, 1f, 3f, 0f, -0.5f };
        var expected = new Half[q.Length];
        var expectedLse = new float[b * hq * sq];
        F16BshdGptOss.Run(q, k, v, sinks, expected, B: b, Sq: sq, Hq: hq, D: d, Sk: sk, Hkv: hkv, lse: expectedLse);

        var output = new Half[q.Length];
        var lse = new float[expectedLse.Length];
        var problem = AttentionProblem.Dense(
            b, hq, hkv, sq, sk, d, d, RowAddressing.Bshd(hq, sq, d), KvAddressing.Bshd(hkv, sk, d),
            KvAddressing.Bshd(hkv, sk, d), RowAddressing.Bshd(hq, sq, d));
        var inputs = new ScoreInputs { DefaultScale = (float)(1.0 / Math.Sqrt(d)) };
        AttentionDriver.Run<GptOssSpec, Half, Half, Half>(problem, q, k, v, output, lse, sinks, inputs);
        Assert.Equal(expected, output);
        Assert.Equal(expectedLse, lse);

        var reference = new Half[q.Length];
        var referenceLse = new float[lse.Length];
        F16BshdGptOss.Reference(q, k, v, sinks, reference, B: b, Sq: sq, Hq: hq, D: d, Sk: sk, Hkv: hkv, lse: referenceLse);
        for (int x = 0; x < output.Length; x++)
        {
            Assert.True(Math.Abs((double)output[x] - (double)reference[x]) <= 2e-3 * (1 + Math.Abs((double)reference[x])), $"output[{x}]");
        }

        for (int x = 0; x < lse.Length; x++)
        {
            Assert.True(Math.Abs(lse[x] - referenceLse[x]) <= 1e-4 * (1 + Math.Abs(referenceLse[x])), $"lse[{x}]");
        }
    }

    [Fact]
    public void BFloat16_sinks_kernel_bit_identical()
    {
        const int b = 1, hq = 4, hkv = 4, sq = 9, sk = 9, d = 16;
        var random = new Random(5);
        var q = RandomData<BFloat16>(random, b * sq * hq * d);
        var k = RandomData<BFloat16>(random, b * sk * hkv * d);
        var v = RandomData<BFloat16>(random, b * sk * hkv * d);
        var sinks = new[] { 1f, -1f, 4f, 0f };
        var expected = new BFloat16[q.Length];
        var expectedLse = new float[b * hq * sq];
        BF16BshdSinks.Run(q, k, v, sinks, expected, B: b, Sq: sq, Hq: hq, D: d, Sk: sk, Hkv: hkv, lse: expectedLse);

        var output = new BFloat16[q.Length];
        var lse = new float[expectedLse.Length];
        var problem = AttentionProblem.Dense(
            b, hq, hkv, sq, sk, d, d, RowAddressing.Bshd(hq, sq, d), KvAddressing.Bshd(hkv, sk, d),
            KvAddressing.Bshd(hkv, sk, d), RowAddressing.Bshd(hq, sq, d));
        using var _ = ConfigSpec.Use(new KeyMask(true, false, 0, 0, 0));
        var inputs = new ScoreInputs { DefaultScale = (float)(1.0 / Math.Sqrt(d)) };
        AttentionDriver.Run<ConfigSpec, BFloat16, BFloat16, BFloat16>(problem, q, k, v, output, lse, sinks, inputs);
        Assert.Equal(expected.Select(x => x.RawValue), output.Select(x => x.RawValue));
        Assert.Equal(expectedLse, lse);
    }
}
