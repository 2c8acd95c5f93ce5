using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.Broken;

// TDSL0003: scores must be built inside the expression, not by a helper.
[AttentionKernel]
public static partial class HelperScores
{
    static Scores Build(Bhsd<float> q, Bhsd<float> k) => q.MatMul(k.T);

    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(/*@TDSL0003*/Build(q, k)).MatMul(v);
}
