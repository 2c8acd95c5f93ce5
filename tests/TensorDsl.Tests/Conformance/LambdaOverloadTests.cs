using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// A user-reported silent wrong result: an enum argument inside a lambda was lowered to its integer, so
/// <c>MathF.Round(s, MidpointRounding.ToZero)</c> ran as <c>MathF.Round(s, 2)</c>. The inputs here make every score
/// exact in fp32 and fp64 alike (small integers, a power-of-two scale), so the two engines must agree to rounding,
/// and the two overloads differ by up to 0.75 per score.
/// </summary>
public sealed partial class LambdaOverloadTests
{
    [AttentionKernel]
    public static partial class RoundTowardZero
    {
        static Bhsd<float> Attend(
            [Shape("B, 2, S, 8")] Bhsd<float> q,
            [Shape("B, 2, S, 8")] Bhsd<float> k,
            [Shape("B, 2, S, 8")] Bhsd<float> v)
            => Softmax(ScoreMod(q.MatMul(k.T) * 0.25f, (b, h, i, j, s) => MathF.Round(s, MidpointRounding.ToZero))).MatMul(v);
    }

    [Fact]
    public void EnumArgumentSelectsTheSameOverloadInBothEngines()
    {
        const int b = 2, s = 9, d = 8, h = 2;
        var random = new Random(7);
        float[] Draw(int n)
        {
            var data = new float[n];
            for (int i = 0; i < n; i++) data[i] = random.Next(-3, 4);
            return data;
        }

        var q = Draw(b * h * s * d);
        var k = Draw(b * h * s * d);
        var v = Draw(b * h * s * d);
        var run = new float[q.Length];
        var reference = new float[q.Length];

        RoundTowardZero.Run(q, k, v, run, b, s);
        RoundTowardZero.Reference(q, k, v, reference, b, s);

        for (int i = 0; i < run.Length; i++)
        {
            Assert.True(Math.Abs(run[i] - reference[i]) <= 1e-5f * (1 + Math.Abs(reference[i])), $"element {i}: Run {run[i]} vs Reference {reference[i]}");
        }
    }
}
