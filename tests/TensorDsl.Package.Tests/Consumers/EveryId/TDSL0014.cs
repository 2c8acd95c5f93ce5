using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0014;

// TDSL0014: a paged block size of 24 (not a power of two), on each cache.
[AttentionKernel]
public static partial class Paged
{
    const int BlockSize = 24;

    static Tokens<float> Attend(
        [Shape("T, 32, 128")] Tokens<float> q,
        [Shape(/*@TDSL0014*/"N, BlockSize, 8, 128")] Pages<float> k,
        [Shape(/*@TDSL0014*/"N, BlockSize, 8, 128")] Pages<float> v)
        => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
}
