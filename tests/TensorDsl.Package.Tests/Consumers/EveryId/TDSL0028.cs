using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0028;

// TDSL0028: targets that select no target.
[AttentionKernel(/*@TDSL0028*/(Targets)0)]
public static partial class Gqa
{
    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
