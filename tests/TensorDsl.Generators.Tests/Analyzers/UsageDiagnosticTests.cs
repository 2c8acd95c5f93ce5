using System.Threading.Tasks;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>The usage diagnostics: declaration rules and constructs outside the grammar (docs/design.md, docs/diagnostics).</summary>
public class UsageDiagnosticTests
{
    private const string Operands =
        """[Shape("B, 8, Sq, 64")] Bhsd<float> q, [Shape("B, 8, Sk, 64")] Bhsd<float> k, [Shape("B, 8, Sk, 64")] Bhsd<float> v""";

    // ---- TDSL0001 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0001_StaticClassWithoutPartial() => VerifyAsync($$"""
        [AttentionKernel]
        public static class {|#0:Gqa|}
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0001", 0, "The type 'Gqa' must be declared 'partial': it is an attention kernel, and the generator adds Run and Reference to it"));

    [Fact]
    public Task TDSL0001_ContainingTypesMustBePartialToo() => VerifyAsync($$"""
        public class {|#0:Outer|}
        {
            internal class {|#1:Middle|}
            {
                [AttentionKernel]
                public static partial class Inner
                {
                    static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
                }
            }
        }
        """,
        Error("TDSL0001", 0, "The type 'Outer' must be declared 'partial': it contains the attention kernel 'Inner', and the generated code reopens every type around a kernel"),
        Error("TDSL0001", 1, "The type 'Middle' must be declared 'partial': it contains the attention kernel 'Inner', and the generated code reopens every type around a kernel"));

    // ---- TDSL0002 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0002_InstanceExpressionMethod() => VerifyAsync($$"""
        [AttentionKernel]
        public partial class Gqa
        {
            private Bhsd<float> {|#0:Attend|}({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0002", 0, "The attention expression method 'Attend' must be 'static': the generated kernel has no instance to call it on"));

    // ---- TDSL0003 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0003_SubtractingABias() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}},
                [Shape("B, 8, Sq, Sk")] Bias<float> bias
                ) => Softmax({|#0:q.MatMul(k.T) - bias|}).MatMul(v);
        }
        """,
        Compiler("CS0019", 0),
        Unsupported(0, "q.MatMul(k.T) - bias", "scores are built from q.MatMul(k.T) with *, +, Softcap and ScoreMod"));

    [Fact]
    public Task TDSL0026_RuntimeScale() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static float scale = 0.125f;

            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T) * {|#0:scale|}).MatMul(v);
        }
        """,
        Error("TDSL0026", 0, "The scale must be a compile-time constant (a literal, a const, or Rsqrt of one), but 'scale' is a static field, not a const"));

    [Fact]
    public Task TDSL0026_RsqrtOfARuntimeValue() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static readonly int HeadSize = 64;

            static Bhsd<float> Attend({{Operands}}) => Softmax({|#0:Rsqrt(HeadSize)|} * q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0026", 0, "The scale must be a compile-time constant (a literal, a const, or Rsqrt of one), but 'Rsqrt(HeadSize)' is not a compile-time constant"));

    [Fact]
    public Task TDSL0003_SoftmaxOverSomethingElse() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Scores Build(Bhsd<float> q, Bhsd<float> k) => q.MatMul(k.T);

            static Bhsd<float> Attend({{Operands}}) => Softmax({|#0:Build(q, k)|}).MatMul(v);
        }
        """,
        Unsupported(0, "Build(q, k)", "scores are built from q.MatMul(k.T) with *, +, Softcap and ScoreMod"));

    [Fact]
    public Task TDSL0003_ProbabilitiesNotFromSoftmax() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Probabilities Probs(Bhsd<float> q, Bhsd<float> k) => Softmax(q.MatMul(k.T));

            static Bhsd<float> Attend({{Operands}}) => {|#0:Probs(q, k)|}.MatMul(v);
        }
        """,
        Unsupported(0, "Probs(q, k)", "the probabilities must be Softmax(scores) or Softmax(scores, sinks)"));

    [Fact]
    public Task TDSL0003_NotAnAttentionExpression() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}}) => {|#0:q|};
        }
        """,
        Unsupported(0, "q", "an attention expression has the form Softmax(scores).MatMul(v)"));

    [Fact]
    public Task TDSL0021_UnusedParameter() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}},
                [Shape("B, 8, Sq, Sk")] Bias<float> {|#0:bias|}
                ) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0021", 0, "The parameter 'bias' is not used by the attention expression; every parameter is the query, keys, values, a bias, ALiBi slopes or sinks"));

    [Fact]
    public Task TDSL0022_ParameterInTwoRoles() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul({|#0:q|}.T)).MatMul(v);
        }
        """,
        Error("TDSL0022", 0, "'q' is used as the query and again as the keys; each parameter plays one role, so declare a separate parameter for each"));

    [Fact]
    public Task TDSL0003_OperandThatIsNotAParameter() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static readonly Bhsd<float> Cached = new Bhsd<float>("cached");

            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k
                ) => Softmax(q.MatMul(k.T)).MatMul({|#0:Cached|});
        }
        """,
        Unsupported(0, "Cached", "the values must be a parameter of the kernel method"));

    [Fact]
    public Task TDSL0020_BodyWithSeveralStatements() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}})
            {|#0:{
                var scores = q.MatMul(k.T);
                return Softmax(scores).MatMul(v);
            }|}
        }
        """,
        Error("TDSL0020", 0, "The body of 'Attend' is a block of 2 statements, but it must be one attention expression: '=> expression' or a block whose only statement is 'return expression;'"));

    [Fact]
    public Task TDSL0019_GenericKernelType() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class {|#0:Gqa|}<TTag>
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0019", 0, "The attention kernel type 'Gqa' is generic (<TTag>); a kernel type is a partial class (not a record), generic neither itself nor through a type around it, that leaves the names of the generated members (Run, Reference, WriteCache, SpyreSpec, …) to the generator"));

    [Fact]
    public Task TDSL0003_MaskPassedAsADelegateValue() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static readonly MaskPredicate Banded = (b, h, i, j) => i - j < 8;

            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T) + Mask({|#0:Banded|})).MatMul(v);
        }
        """,
        Unsupported(0, "Banded", "write the mask or score modifier as a lambda, so it can be inlined"));

    [Fact]
    public Task TDSL0026_NonConstantArguments() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static int window = 16;
            static int axis = -1;

            static Bhsd<float> Attend({{Operands}}) => Softmax(Softcap(q.MatMul(k.T), {|#0:-1f|}) + SlidingWindow({|#1:window|}) + ChunkedLocal({|#2:0|}), axis: {|#3:axis|}).MatMul(v);
        }
        """,
        Error("TDSL0026", 0, "The softcap must be a finite compile-time constant > 0, but '-1f' is -1"),
        Error("TDSL0026", 1, "The window size must be a compile-time constant ≥ 0, but 'window' is a static field, not a const"),
        Error("TDSL0026", 2, "The chunk size must be a compile-time constant > 0, but '0' is 0"),
        Error("TDSL0026", 3, "The softmax axis must be a compile-time constant (-1 or 3), but 'axis' is a static field, not a const"));

    [Fact]
    public Task TDSL0003_LongConstructsAreTruncatedInTheMessage() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}}) => {|#0:true
                    ? Softmax(q.MatMul(k.T)).MatMul(v)
                    : Softmax(q.MatMul(k.T)).MatMul(v)|};
        }
        """,
        Unsupported(0, "true ? Softmax(q.MatMul(k.T)).MatMul(v) : Softmax(q.MatMu...",
            "an attention expression has the form Softmax(scores).MatMul(v)"));

    [Fact]
    public Task TDSL0023_DenseQueryWithPagedKeys() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape({|#0:"N, 16, 8, 64"|})] Pages<float> k,
                [Shape("N, 16, 8, 64")] Pages<float> v
                ) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0023", 0, "A Bhsd query needs dense (Bhsd or Bshd) keys and values, but 'k' is Pages"));

    [Fact]
    public Task TDSL0024_ParametersNamedLikeTheGeneratedOnes() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape({|#0:"B, 8, Sq, 64"|})] Bhsd<float> output,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape({|#1:"B, 8, Sk, 64"|})] Bhsd<float> lse)
                => Softmax(output.MatMul(k.T)).MatMul(lse);
        }
        """,
        Error("TDSL0024", 0, "The parameter 'output' is named like a parameter of the generated Run and Reference (output, lse, batch, heads, kvCache and layout are reserved); rename it"),
        Error("TDSL0024", 1, "The parameter 'lse' is named like a parameter of the generated Run and Reference (output, lse, batch, heads, kvCache and layout are reserved); rename it"));

    [Fact]
    public Task TDSL0019_KernelTypeNamedLikeAGeneratedMethod() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class {|#0:Run|}
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }

        [AttentionKernel]
        public static partial class {|#1:Reference|}
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0019", 0, "The attention kernel type 'Run' is named 'Run' like a member the generator adds to it; a kernel type is a partial class (not a record), generic neither itself nor through a type around it, that leaves the names of the generated members (Run, Reference, WriteCache, SpyreSpec, …) to the generator"),
        Error("TDSL0019", 1, "The attention kernel type 'Reference' is named 'Reference' like a member the generator adds to it; a kernel type is a partial class (not a record), generic neither itself nor through a type around it, that leaves the names of the generated members (Run, Reference, WriteCache, SpyreSpec, …) to the generator"));

    // ---- TDSL0017 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0017_DoubleElements() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static {|#3:Bhsd<double>|} Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<double> {|#0:q|},
                [Shape("B, 8, Sk, 64")] Bhsd<double> {|#1:k|},
                [Shape("B, 8, Sk, 64")] Bhsd<double> {|#2:v|}
                ) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0017", 0, "'q' has type 'TensorDsl.Bhsd<double>': " + OperandTypes),
        Error("TDSL0017", 1, "'k' has type 'TensorDsl.Bhsd<double>': " + OperandTypes),
        Error("TDSL0017", 2, "'v' has type 'TensorDsl.Bhsd<double>': " + OperandTypes),
        Error("TDSL0017", 3, "'output' has type 'TensorDsl.Bhsd<double>': " + OperandTypes));

    [Fact]
    public Task TDSL0017_RefParameter() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] ref Bhsd<float> {|#0:q|},
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v
                ) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0017", 0, "'q' has type 'TensorDsl.Bhsd<float>': " + OperandTypes));

    [Fact]
    public Task TDSL0017_NonTensorParameter() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}},
                int {|#0:window|}
                ) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0017", 0, "'window' has type 'int': " + OperandTypes));

    [Fact]
    public Task TDSL0030_MixedElementTypes() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<Half> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<Half> q,
                [Shape("B, 8, Sk, 64")] Bhsd<Half> k,
                [Shape({|#0:"B, 8, Sk, 64"|})] Bhsd<float> v
                ) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0030", 0, "'v' has element type float but 'k' has Half; k and v share one element type (the KV cache's), and the output has q's"));

    [Fact]
    public Task TDSL0017_HalfPerHeadValues() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}},
                [Shape("8")] PerHead<Half> {|#0:sinks|}
                ) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0017", 0, "'sinks' has type 'TensorDsl.PerHead<System.Half>': per-head values are PerHead<float>"));

    // ---- TDSL0018 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0018_NoExpressionMethod() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#0:Empty|}
        {
            const int D = 64;

            static Scores Build(Bhsd<float> q, Bhsd<float> k) => q.MatMul(k.T);
        }
        """,
        Error("TDSL0018", 0, "The attention kernel 'Empty' declares 0 expression methods; it must declare exactly one static method that returns a DSL tensor"));

    [Fact]
    public Task TDSL0018_TwoExpressionMethods() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class {|#0:Twice|}
        {
            static Bhsd<float> Causal({{Operands}}) => Softmax(q.MatMul(k.T) + Dsl.Causal()).MatMul(v);

            static Bhsd<float> Full({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0018", 0, "The attention kernel 'Twice' declares 2 expression methods; it must declare exactly one static method that returns a DSL tensor"));
}
