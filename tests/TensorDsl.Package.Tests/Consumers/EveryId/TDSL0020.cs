using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0020;

// TDSL0020: the body is a block of two statements.
[AttentionKernel]
public static partial class Gqa
{
    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
    /*@TDSL0020*/{
        var scores = q.MatMul(k.T);
        return Softmax(scores).MatMul(v);
    }
}
