using System;
using System.Linq;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Reliability;

/// <summary>
/// The span checks that the engines make themselves (lengths in the CPU driver and the reference bindings, aliasing in
/// the driver and, for <c>Reference</c>, the generated code) name each tensor as the declaration does, not by its role
/// (docs/design.md, "One validator per fact"). The kernel names its tensors query, key, value and attnSinks.
/// </summary>
public sealed class DeclaredNamesTests
{
    private const int B = 1, Hq = 4, Hkv = 2, Sq = 3, Sk = 5, D = 8, QLen = B * Hq * Sq * D, KvLen = B * Hkv * Sk * D;

    [Theory]
    [InlineData(false, "query")]
    [InlineData(true, "query")]
    [InlineData(false, "key")]
    [InlineData(true, "key")]
    [InlineData(false, "value")]
    [InlineData(true, "value")]
    public void AWrongLengthNamesTheDeclaredTensor(bool reference, string wrong)
    {
        var query = new float[QLen + (wrong == "query" ? 1 : 0)];
        var key = new float[KvLen - (wrong == "key" ? 1 : 0)];
        var value = new float[KvLen + (wrong == "value" ? 8 : 0)];
        var sinks = new float[Hq];
        var output = Enumerable.Repeat(7f, QLen).ToArray();
        var e = Assert.Throws<ShapeException>(() => Call(reference, query, key, value, sinks, output));
        Assert.Equal(wrong, e.Parameter);
        Assert.Equal("length", e.Dimension);
        Assert.Contains(wrong, e.Message, StringComparison.Ordinal);
        Assert.All(output, x => Assert.Equal(7f, x));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnOutputOnTheQueryNamesBoth(bool reference)
    {
        var query = new float[QLen];
        var e = Assert.Throws<ArgumentException>(() => Call(reference, query, new float[KvLen], new float[KvLen], new float[Hq], query));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("'query'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOutputOnTheSinksNamesThem()
    {
        var buffer = new float[QLen + Hq];
        var e = Assert.Throws<ArgumentException>(() => F32BhsdDeclaredNames.Run(
            new float[QLen], new float[KvLen], new float[KvLen], buffer.AsSpan(QLen - 1, Hq), buffer.AsSpan(0, QLen), B, Hq, Sq, D, Hkv, Sk));
        Assert.Contains("'attnSinks'", e.Message, StringComparison.Ordinal);
    }

    private static void Call(bool reference, float[] query, float[] key, float[] value, float[] sinks, float[] output)
    {
        if (reference)
        {
            F32BhsdDeclaredNames.Reference(query, key, value, sinks, output, B, Hq, Sq, D, Hkv, Sk);
        }
        else
        {
            F32BhsdDeclaredNames.Run(query, key, value, sinks, output, B, Hq, Sq, D, Hkv, Sk);
        }
    }
}
