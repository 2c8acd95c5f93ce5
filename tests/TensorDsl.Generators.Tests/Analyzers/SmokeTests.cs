using System.Threading.Tasks;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Analyzers;

public class SmokeTests
{
    [Fact]
    public Task ValidKernelHasNoDiagnostics() => AnalyzerVerifier.VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
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
    public Task ContractionMismatchIsFlaggedOnTheKeyShape() => AnalyzerVerifier.VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            const int D = 128;

            static Bhsd<float> Attend(
                [Shape("B, 32, Sq, D")] Bhsd<float> q,
                [Shape({|TDSL0007:"B, 8, Sk, 96"|})] Bhsd<float> k,
                [Shape("B, 8, Sk, D")] Bhsd<float> v) // k alone is wrong: no TDSL0008 blaming v
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """);

    [Fact]
    public Task MissingPartialIsFixed() => AnalyzerVerifier.VerifyFixAsync("""
        [AttentionKernel]
        public static class {|TDSL0001:Gqa|}
        {
            static Bhsd<float> Attend(
                [Shape("B, 4, S, 64")] Bhsd<float> q,
                [Shape("B, 4, S, 64")] Bhsd<float> k,
                [Shape("B, 4, S, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """, """
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 4, S, 64")] Bhsd<float> q,
                [Shape("B, 4, S, 64")] Bhsd<float> k,
                [Shape("B, 4, S, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """);
}
