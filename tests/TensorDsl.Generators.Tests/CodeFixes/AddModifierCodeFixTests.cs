using System.Threading.Tasks;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.CodeFixes;

/// <summary>
/// The code fixes of docs/diagnostics: TDSL0001 adds <c>partial</c> to the kernel type (or to a containing type that lacks
/// it), TDSL0002 adds <c>static</c> to the expression method. The fixed text is spelled out in full, trivia included.
/// </summary>
public class AddModifierCodeFixTests
{
    [Fact]
    public Task TDSL0001_PublicStaticClass() => AnalyzerVerifier.VerifyFixAsync("""
        [AttentionKernel]
        public static class {|TDSL0001:Gqa|}
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """, """
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """);

    [Fact]
    public Task TDSL0001_ClassWithoutModifiers() => AnalyzerVerifier.VerifyFixAsync("""
        /// <summary>A kernel.</summary>
        [AttentionKernel]
        class {|TDSL0001:Gqa|}
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """, """
        /// <summary>A kernel.</summary>
        [AttentionKernel]
        partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """);

    [Fact]
    public Task TDSL0001_ContainingClassNotPartial() => AnalyzerVerifier.VerifyFixAsync("""
        namespace Models
        {
            public class {|TDSL0001:Llama|}
            {
                [AttentionKernel]
                public static partial class Decode
                {
                    static Bhsd<float> Attend(
                        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                        => Softmax(q.MatMul(k.T)).MatMul(v);
                }
            }
        }
        """, """
        namespace Models
        {
            public partial class Llama
            {
                [AttentionKernel]
                public static partial class Decode
                {
                    static Bhsd<float> Attend(
                        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                        [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                        => Softmax(q.MatMul(k.T)).MatMul(v);
                }
            }
        }
        """);

    [Fact]
    public Task TDSL0001_NestedKernelAndContainerBothFixed() => AnalyzerVerifier.VerifyFixAsync("""
        static class {|TDSL0001:Layers|}
        {
            [AttentionKernel]
            internal static class {|TDSL0001:Decode|}
            {
                static Bhsd<float> Attend(
                    [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                    [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                    [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
        }
        """, """
        static partial class Layers
        {
            [AttentionKernel]
            internal static partial class Decode
            {
                static Bhsd<float> Attend(
                    [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                    [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                    [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
        }
        """);

    [Fact]
    public Task TDSL0002_PrivateMethod() => AnalyzerVerifier.VerifyFixAsync("""
        [AttentionKernel]
        public partial class Gqa
        {
            private Bhsd<float> {|TDSL0002:Attend|}(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """, """
        [AttentionKernel]
        public partial class Gqa
        {
            private static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """);

    [Fact]
    public Task TDSL0002_MethodWithoutModifiers() => AnalyzerVerifier.VerifyFixAsync("""
        [AttentionKernel]
        public partial class Gqa
        {
            // The attention expression.
            Bhsd<float> {|TDSL0002:Attend|}(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """, """
        [AttentionKernel]
        public partial class Gqa
        {
            // The attention expression.
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """);

    [Fact]
    public Task TDSL0002_MethodWithReturnAttributeAndNoModifiers() => AnalyzerVerifier.VerifyFixAsync("""
        [AttentionKernel]
        public partial class Gqa
        {
            [return: Shape("B, 8, Sq, 64")]
            Bhsd<float> {|TDSL0002:Attend|}(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """, """
        [AttentionKernel]
        public partial class Gqa
        {
            [return: Shape("B, 8, Sq, 64")]
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """);

    [Fact]
    public Task TDSL0002_StaticGoesAfterEveryAccessModifier() => AnalyzerVerifier.VerifyFixAsync("""
        [AttentionKernel]
        public partial class Gqa
        {
            protected internal Bhsd<float> {|TDSL0002:Attend|}(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """, """
        [AttentionKernel]
        public partial class Gqa
        {
            protected internal static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """);
}
