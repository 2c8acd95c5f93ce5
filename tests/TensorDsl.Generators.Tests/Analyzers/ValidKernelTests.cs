using System.Threading.Tasks;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>Declarations inside the grammar (docs/semantics.md, docs/design.md) must produce no diagnostic at all.</summary>
public class ValidKernelTests
{
    [Fact]
    public Task SampleLlamaGqaIsClean() => VerifyAsync("""
        /// <summary>Llama-style grouped-query attention: 32 query heads share 8 KV heads, head size 128, causal.</summary>
        [AttentionKernel]
        public static partial class LlamaGqa
        {
            const int Hq = 32, Hkv = 8, D = 128;

            static Bhsd<float> Attend(
                [Shape("B, Hq, Sq, D")] Bhsd<float> q,
                [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
                [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
        }
        """);

    [Fact]
    public Task SampleGemmaLocalIsClean() => VerifyAsync("""
        [AttentionKernel]
        public static partial class GemmaLocal
        {
            const int Hq = 8, Hkv = 4, D = 256, Window = 4096;

            static Bshd<Half> Attend(
                [Shape("B, Sq, Hq, D")] Bshd<Half> q,
                [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
                [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
                => Softmax(Softcap(q.MatMul(k.T) * Rsqrt(D), 50f) + Causal() + SlidingWindow(Window - 1)).MatMul(v);
        }
        """);

    [Fact]
    public Task KernelWithEveryFeatureIsClean() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Everything
        {
            const int Hq = 16, Hkv = 4, D = 64, Radius = 256;
            const float Temperature = 0.5f;

            [return: Shape("B, Sq, Hq, D")]
            static Bshd<Half> Attend(
                [Shape("B, Sq, Hq, D")] Bshd<Half> q,
                [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
                [Shape("B, Sk, Hkv, D")] Bshd<Half> v,
                [Shape("1, Hq, Sq, Sk")] Bias<Half> bias,
                [Shape("Hq")] PerHead<float> slopes,
                [Shape("Hq")] PerHead<float> sinks)
                => Softmax(
                       ScoreMod(Softcap(q.MatMul(k.T) * 0.125f, 30f), (b, h, i, j, s) => s * Temperature + (h % 2 == 0 ? 0f : 1f))
                       + bias
                       + Alibi(slopes)
                       + Causal()
                       + SlidingWindow(128, 0)
                       + ChunkedLocal(512)
                       + Mask((b, h, i, j) => Math.Abs(i - j) <= Radius && MathF.Max(i, j) >= 0f),
                       sinks)
                   .MatMul(v);
        }
        """);

    [Fact]
    public Task BFloat16KernelWithBroadcastBiasIsClean() => VerifyAsync("""
        [AttentionKernel]
        public static partial class BfKernel
        {
            const int Hq = 8, D = 128;

            static Bhsd<BFloat16> Attend(
                [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
                [Shape("B, Hq, Sk, D")] Bhsd<BFloat16> k,
                [Shape("B, Hq, Sk, D")] Bhsd<BFloat16> v,
                [Shape("B, 1, 1, Sk")] Bias<float> padding)
                => Softmax(0.125f * q.MatMul(k.T) + padding).MatMul(v);
        }
        """);

    [Fact]
    public Task HeadArithmeticReturnBlockAndExplicitAxisAreClean() => VerifyAsync("""
        [AttentionKernel]
        public partial class Grouped
        {
            const int G = 4, Hkv = 8, D = 64;

            [return: Shape("B, G*Hkv, Sq, D")]
            static Bhsd<float> Attend(
                [Shape("B, G*Hkv, Sq, D")] Bhsd<float> q,
                [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
                [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
            {
                return Softmax((q.MatMul(k.T)) * Rsqrt(D), 3).MatMul(v);
            }
        }
        """);

    [Fact]
    public Task NestedKernelInPartialTypesIsClean() => VerifyAsync("""
        namespace Models.Llama
        {
            public static partial class Layers
            {
                [AttentionKernel(Targets.Cpu)]
                internal static partial class Decode
                {
                    static Bhsd<float> Attend(
                        [Shape("B, 32, 1, 128")] Bhsd<float> q,
                        [Shape("B, 8, Sk, 128")] Bhsd<float> k,
                        [Shape("B, 8, Sk, 128")] Bhsd<float> v)
                        => Softmax(q.MatMul(k.T) * Rsqrt(128)).MatMul(v);
                }
            }
        }
        """);

    [Fact]
    public Task NamedArgumentsInAnyOrderAreUnderstood() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Named
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(
                       axis: -1,
                       scores: ScoreMod(
                           modifier: (b, h, i, j, s) => s + 1f,
                           scores: Softcap(cap: 20f, scores: q.MatMul(k.T)))
                           + SlidingWindow(right: 2, left: 16))
                   .MatMul(values: v);
        }
        """);

    [Fact]
    public Task DiscardAndStaticLambdasAreClean() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Discards
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(ScoreMod(q.MatMul(k.T), static (_, _, _, _, s) => s * 2f) + Mask((_, _, i, j) => i >= j)).MatMul(v);
        }
        """);

    // ---- A KV cache with its own element type (docs/semantics.md#element-types) ---------------------------------

    [Fact]
    public Task FloatQueriesOverAHalfKvCacheAreClean() => VerifyAsync("""
        [AttentionKernel]
        public static partial class MixedGqa
        {
            const int Hq = 32, Hkv = 8, D = 128;

            static Bshd<float> Attend(
                [Shape("B, Sq, Hq, D")] Bshd<float> q,
                [Shape("B, Sk, Hkv, D")] Bshd<Half> k,
                [Shape("B, Sk, Hkv, D")] Bshd<Half> v)
                => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
        }
        """);

    [Fact]
    public Task PagedFloatQueriesOverABFloat16CacheAreClean() => VerifyAsync("""
        [AttentionKernel]
        public static partial class MixedPaged
        {
            const int Hq = 8, Hkv = 2, D = 64, BlockSize = 16;

            static Tokens<float> Attend(
                [Shape("T, Hq, D")] Tokens<float> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<BFloat16> v,
                [Shape("Hq")] PerHead<float> sinks)
                => Softmax(q.MatMul(keys: k.T) + Causal(), sinks).MatMul(values: v);
        }
        """);

    [Fact]
    public Task HalfQueriesOverFloatVarlenKeysAreClean() => VerifyAsync("""
        [AttentionKernel]
        public static partial class MixedVarlen
        {
            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("Tk, Hkv, D")] Tokens<float> k,
                [Shape("Tk, Hkv, D")] Tokens<float> v,
                [Shape("Hq")] PerHead<float> slopes)
                => Softmax(q.MatMul(k.T) + Alibi(slopes) + Causal()).MatMul(v);
        }
        """);

    [Fact]
    public Task BFloat16QueriesOverHalfKeysWithAFloatBiasAreClean() => VerifyAsync("""
        [AttentionKernel]
        public static partial class MixedBias
        {
            [return: Shape("B, Sq, 8, 64")]
            static Bshd<BFloat16> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<BFloat16> q,
                [Shape("B, 2, Sk, 64")] Bhsd<Half> k,
                [Shape("B, 2, Sk, 64")] Bhsd<Half> v,
                [Shape("B, 1, Sq, Sk")] Bias<float> bias)
                => Softmax(q.MatMul(k.T) + bias).MatMul(v);
        }
        """);

    [Fact]
    public Task TypesWithoutTheAttributeAreIgnored() => VerifyAsync("""
        public class NotAKernel
        {
            // Same shape of code as a kernel, but without [AttentionKernel]: not the analyzer's business.
            Bhsd<float> Attend(Bhsd<float> q, Bhsd<float> k, Bhsd<float> v) => Softmax(q.MatMul(k.T), axis: 0).MatMul(v);
        }
        """);
}
