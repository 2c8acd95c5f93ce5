using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0012;

// TDSL0012: 6 query heads over 4 KV heads.
[AttentionKernel]
public static partial class Gqa
{
    const int Hq = 6, Hkv = 4;

    static Bhsd<float> Attend(
        [Shape("B, Hq, Sq, 64")] Bhsd<float> q,
        [Shape(/*@TDSL0012*/"B, Hkv, Sk, 64")] Bhsd<float> k,
        [Shape("B, Hkv, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
