using System;
using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.EveryId.Tdsl0003;

// TDSL0003: the scores come from a helper method; they must be written inline. (The help page's example, a subtracted
// bias, is not valid C# as well — 'Scores - Bias<float>' has no operator, CS0019 — so a case that is only a TDSL
// mistake stands here.)
[AttentionKernel]
public static partial class Gqa
{
    static Scores Build(Bhsd<float> q, Bhsd<float> k) => q.MatMul(k.T);

    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(/*@TDSL0003*/Build(q, k)).MatMul(v);
}
