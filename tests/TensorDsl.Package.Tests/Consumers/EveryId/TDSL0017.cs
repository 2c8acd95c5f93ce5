using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0017;

// TDSL0017: double is not an element type; one diagnostic per operand and one for the output.
[AttentionKernel]
public static partial class Gqa
{
    static /*@TDSL0017*/Bhsd<double> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<double> /*@TDSL0017*/q,
        [Shape("B, 8, Sk, 64")] Bhsd<double> /*@TDSL0017*/k,
        [Shape("B, 8, Sk, 64")] Bhsd<double> /*@TDSL0017*/v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
