using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.Broken;

// TDSL0016: a mask lambda may not call a method of its own.
[AttentionKernel]
public static partial class MaskCall
{
    static bool Check(int i, int j) => i >= j;

    static Bhsd<float> Attend(
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
        => Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => /*@TDSL0016*/Check(i, j))).MatMul(v);
}
