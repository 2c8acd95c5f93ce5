using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Bench.Kernels;

/// <summary>
/// P3: multi-head attention without a mask (an encoder layer, or cross-attention of equal lengths) — 32 heads for
/// q, k and v, head size 128, fp32, <c>[B, S, H, D]</c> (ONNX Runtime's <c>[B, S, H·D]</c>).
/// </summary>
[AttentionKernel]
public static partial class PrefillMha
{
    const int H = 32, D = 128;

    static Bshd<float> Attend(
        [Shape("B, Sq, H, D")] Bshd<float> q,
        [Shape("B, Sk, H, D")] Bshd<float> k,
        [Shape("B, Sk, H, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D)).MatMul(v);
}
