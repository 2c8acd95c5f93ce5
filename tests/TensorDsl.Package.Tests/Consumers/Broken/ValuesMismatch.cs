using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.Broken;

// TDSL0008: v has 32 features per head, k has 64.
[AttentionKernel]
public static partial class ValuesMismatch
{
    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape(/*@TDSL0008*/"B, 8, Sk, 32")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
