using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0027;

// TDSL0027: the K and V caches have different block sizes.
[AttentionKernel]
public static partial class Paged
{
    static Tokens<float> Attend(
        [Shape("T, 32, 128")] Tokens<float> q,
        [Shape("N, 16, 8, 128")] Pages<float> k,
        [Shape(/*@TDSL0027*/"N, 32, 8, 128")] Pages<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
