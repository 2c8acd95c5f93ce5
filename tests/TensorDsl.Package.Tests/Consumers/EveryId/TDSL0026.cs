using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0026;

// TDSL0026: the scale is a static readonly field, not a compile-time constant.
[AttentionKernel]
public static partial class Gqa
{
    static readonly float Scale = 0.125f;

    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) * /*@TDSL0026*/Scale).MatMul(v);
}
