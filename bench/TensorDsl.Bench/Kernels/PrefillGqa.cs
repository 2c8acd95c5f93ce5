using TensorDsl;
using static TensorDsl.Dsl;

namespace TensorDsl.Bench.Kernels;

/// <summary>
/// P1, P2: Llama-style GQA prefill — 32 query heads over 8 KV heads, head size 128, causal, fp32, tokens-major
/// <c>[B, S, H, D]</c>, which is ONNX Runtime's <c>[B, S, H·D]</c> query/key/value layout byte for byte.
/// </summary>
[AttentionKernel]
public static partial class PrefillGqa
{
    const int Hq = 32, Hkv = 8, D = 128;

    static Bshd<float> Attend(
        [Shape("B, S, Hq, D")] Bshd<float> q,
        [Shape("B, S, Hkv, D")] Bshd<float> k,
        [Shape("B, S, Hkv, D")] Bshd<float> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}
