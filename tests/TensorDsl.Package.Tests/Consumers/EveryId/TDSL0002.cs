using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0002;

// TDSL0002: the expression method is an instance method.
[AttentionKernel]
public partial class Gqa
{
    private Bhsd<float> /*@TDSL0002*/Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
