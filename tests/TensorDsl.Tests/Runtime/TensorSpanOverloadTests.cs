using System;
using System.Linq;
using System.Numerics.Tensors;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Runtime;

/// <summary>
/// The generated tensor-span overloads of Run and Reference (README, "Tensors at the edge"): the lengths give the sizes,
/// the result is bit for bit the span overload's on the same memory, the output is written in place, and a wrong rank,
/// axis or stride is a ShapeException naming the parameter before anything is written.
/// </summary>
public sealed class TensorSpanOverloadTests
{
    private const int B = 2, Hq = 4, Hkv = 2, Sq = 5, Sk = 7, D = 16;

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextSingle() - 0.5f).ToArray();
    }

    [Fact]
    public void DenseRunAndReferenceTakeTheirSizesFromTheLengthsAndWriteInPlace()
    {
        var (q, k, v) = (Random(B * Hq * Sq * D, 1), Random(B * Hkv * Sk * D, 2), Random(B * Hkv * Sk * D, 3));
        var expected = new float[q.Length];
        var expectedLse = new float[B * Hq * Sq];
        F32BhsdCausal.Run(q, k, v, expected, B, Hq, Sq, D, Hkv, Sk, expectedLse);

        var output = new float[q.Length];
        var lse = new float[B * Hq * Sq];
        F32BhsdCausal.Run(
            Tensor.Create(q, [B, Hq, Sq, D]), Tensor.Create(k, [B, Hkv, Sk, D]), Tensor.Create(v, [B, Hkv, Sk, D]),
            new TensorSpan<float>(output, [B, Hq, Sq, D]), new TensorSpan<float>(lse, [B, Hq, Sq]));
        Assert.Equal(expected, output); // the arrays behind the tensor spans hold the result: no copy in or out
        Assert.Equal(expectedLse, lse);

        var reference = new float[q.Length];
        var referenceTensor = new float[q.Length];
        F32BhsdCausal.Reference(q, k, v, reference, B, Hq, Sq, D, Hkv, Sk);
        F32BhsdCausal.Reference(
            new ReadOnlyTensorSpan<float>(q, [B, Hq, Sq, D]), new ReadOnlyTensorSpan<float>(k, [B, Hkv, Sk, D]),
            new ReadOnlyTensorSpan<float>(v, [B, Hkv, Sk, D]), new TensorSpan<float>(referenceTensor, [B, Hq, Sq, D]));
        Assert.Equal(reference, referenceTensor);
    }

    [Fact]
    public void WrongRankAxisOrStrideIsAShapeExceptionBeforeAnyWrite()
    {
        var (q, k) = (Random(B * Hq * Sq * D, 4), Random(B * Hkv * Sk * D, 5));
        var output = Enumerable.Repeat(7f, q.Length).ToArray();
        ReadOnlyTensorSpan<float> Q() => new(q, [B, Hq, Sq, D]);
        ReadOnlyTensorSpan<float> K() => new(k, [B, Hkv, Sk, D]);
        TensorSpan<float> Output() => new(output, [B, Hq, Sq, D]);

        var rank = Assert.Throws<ShapeException>(() => F32BhsdCausal.Run(new ReadOnlyTensorSpan<float>(q, [B * Hq, Sq, D]), K(), K(), Output()));
        Assert.Equal(("q", "rank", "4", 3L), (rank.Parameter, rank.Dimension, rank.Expected, rank.Actual));

        // k's head size disagrees with q's (D is read from q's last axis).
        var axis = Assert.Throws<ShapeException>(() => F32BhsdCausal.Run(Q(), new ReadOnlyTensorSpan<float>(k, [B, Hkv, Sk * 2, D / 2]), K(), Output()));
        Assert.Equal(("k", "D (axis 3)", "16", 8L), (axis.Parameter, axis.Dimension, axis.Expected, axis.Actual));

        // Sq and Hq swapped on the output: same element count, so only the per-axis check can see it.
        var swapped = Assert.Throws<ShapeException>(() => F32BhsdCausal.Run(Q(), K(), K(), new TensorSpan<float>(output, [B, Sq, Hq, D])));
        Assert.Equal("output", swapped.Parameter);

        // A view with gaps (rows of 2·D elements, D used): the kernel reads flat memory, so this must be refused, not copied.
        var padded = Random(B * Hq * Sq * D * 2, 6);
        ReadOnlyTensorSpan<float> Gapped() => new(padded, 0, [B, Hq, Sq, D], [Hq * Sq * 2 * D, Sq * 2 * D, 2 * D, 1]);
        var stride = Assert.Throws<ShapeException>(() => F32BhsdCausal.Run(Gapped(), K(), K(), Output()));
        Assert.Equal(("q", "stride (axis 2)"), (stride.Parameter, stride.Dimension));

        Assert.All(output, x => Assert.Equal(7f, x));
    }

    [Fact]
    public void PagedRunAndReferenceOnTensorsMatchTheSpanOverloadsHeadSlicesIncluded()
    {
        // PagedF32Causal: Hq 8, Hkv 2, D 64, BlockSize 16. Two sequences: a 3-token prefill and a decode after 20 tokens.
        const int T = 4, N = 3, H = 8, Kv = 2, Dim = 64, Block = 16;
        var batch = PagedBatch.Create(new[] { 0, 3, 4 }, new[] { 3, 21 }, new[] { 0, -1, 2, 1 }, maxBlocksPerSequence: 2);
        var q = Random(T * H * Dim, 7);
        var (kCache, vCache) = (Random(N * Block * Kv * Dim, 8), Random(N * Block * Kv * Dim, 9));
        var qTensor = Tensor.Create(q, [T, H, Dim]);
        var kTensor = Tensor.Create(kCache, [N, Block, Kv, Dim]);
        var vTensor = Tensor.Create(vCache, [N, Block, Kv, Dim]);

        var expected = new float[q.Length];
        var expectedLse = new float[H * T];
        PagedF32Causal.Run(q, kCache, vCache, expected, batch, expectedLse);
        var output = new float[q.Length];
        var lse = new float[H * T];
        PagedF32Causal.Run(qTensor, kTensor, vTensor, new TensorSpan<float>(output, [T, H, Dim]), batch, new TensorSpan<float>(lse, [H, T]));
        Assert.Equal(expected, output);
        Assert.Equal(expectedLse, lse);

        var reference = new float[q.Length];
        PagedF32Causal.Reference(q, kCache, vCache, reference, batch);
        var referenceTensor = new float[q.Length];
        PagedF32Causal.Reference(qTensor, kTensor, vTensor, new TensorSpan<float>(referenceTensor, [T, H, Dim]), batch);
        Assert.Equal(reference, referenceTensor);

        // Reference takes the heads Run takes: heads 2..4 written (as in the full reference), every other one untouched.
        var slice = Enumerable.Repeat(float.NaN, q.Length).ToArray();
        PagedF32Causal.Reference(qTensor, kTensor, vTensor, new TensorSpan<float>(slice, [T, H, Dim]), batch, heads: new HeadRange(2, 3));
        for (var i = 0; i < slice.Length; i++)
        {
            var head = i / Dim % H;
            if (head is >= 2 and < 5)
            {
                Assert.Equal(reference[i], slice[i]);
            }
            else
            {
                Assert.True(float.IsNaN(slice[i]), $"element {i} (head {head}) was written");
            }
        }

        var past = Assert.Throws<ShapeException>(() => PagedF32Causal.Reference(q, kCache, vCache, slice, batch, heads: new HeadRange(6, 3)));
        Assert.Equal(("heads", "Start + Count"), (past.Parameter, past.Dimension));
    }
}
