using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.Broken;

// TDSL0006: B is 2 for q but 3 for k.
[AttentionKernel]
public static partial class BatchConflict
{
    static Bhsd<float> Attend(
        [Shape("2, 8, Sq, 64")] Bhsd<float> q,
        [Shape(/*@TDSL0006*/"3, 8, Sk, 64")] Bhsd<float> k,
        [Shape("2, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T)).MatMul(v);
}
