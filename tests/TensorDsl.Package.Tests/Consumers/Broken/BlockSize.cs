using TensorDsl;
using static TensorDsl.Dsl;

namespace Consumer.Broken;

// TDSL0014: a paged block size must be a power of two.
[AttentionKernel]
public static partial class BlockSize24
{
    const int BlockSize = 24;

    static Tokens<float> Attend(
        [Shape("T, 32, 128")] Tokens<float> q,
        [Shape(/*@TDSL0014*/"N, BlockSize, 8, 128")] Pages<float> k,
        [Shape(/*@TDSL0014*/"N, BlockSize, 8, 128")] Pages<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(128) + Causal()).MatMul(v);
}
