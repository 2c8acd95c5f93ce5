using System.Threading.Tasks;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>The usage diagnostics: declaration rules and constructs outside the grammar (docs/design.md; the "usage" area of docs/diagnostics).</summary>
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
        Error("TDSL0001", 0, "The attention kernel 'Gqa' must be declared 'partial' so the generator can add Run and Reference to it"));

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
        Error("TDSL0001", 0, "The attention kernel 'Outer' must be declared 'partial' so the generator can add Run and Reference to it"),
        Error("TDSL0001", 1, "The attention kernel 'Middle' must be declared 'partial' so the generator can add Run and Reference to it"));

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
    public Task TDSL0003_RuntimeScale() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static float scale = 0.125f;

            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T) * {|#0:scale|}).MatMul(v);
        }
        """,
        Unsupported(0, "scale", "the scale must be a compile-time constant (a literal, a const, or Rsqrt of one)"));

    [Fact]
    public Task TDSL0003_RsqrtOfARuntimeValue() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static readonly int HeadSize = 64;

            static Bhsd<float> Attend({{Operands}}) => Softmax({|#0:Rsqrt(HeadSize)|} * q.MatMul(k.T)).MatMul(v);
        }
        """,
        Unsupported(0, "Rsqrt(HeadSize)", "the scale must be a compile-time constant (a literal, a const, or Rsqrt of one)"));

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
    public Task TDSL0003_UnusedParameter() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}},
                [Shape("B, 8, Sq, Sk")] Bias<float> {|#0:bias|}
                ) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Unsupported(0, "bias", "the parameter is not used by the attention expression"));

    [Fact]
    public Task TDSL0003_ParameterInTwoRoles() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul({|#0:q|}.T)).MatMul(v);
        }
        """,
        Unsupported(0, "q", "'q' is already the query operand; each parameter plays one role"));

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
        Unsupported(0, "Cached", "the value operand must be a parameter of the kernel method"));

    [Fact]
    public Task TDSL0003_BodyWithSeveralStatements() => VerifyAsync($$"""
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
        Unsupported(0, "Attend", "the body must be a single attention expression ('=> expression' or '{ return expression; }')"));

    [Fact]
    public Task TDSL0003_GenericKernelType() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class {|#0:Gqa|}<TTag>
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Unsupported(0, "Gqa", "an attention kernel type cannot be generic"));

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
    public Task TDSL0003_NonConstantArguments() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static int window = 16;
            static int axis = -1;

            static Bhsd<float> Attend({{Operands}}) => Softmax(Softcap(q.MatMul(k.T), {|#0:-1f|}) + SlidingWindow({|#1:window|}) + ChunkedLocal({|#2:0|}), axis: {|#3:axis|}).MatMul(v);
        }
        """,
        Unsupported(0, "-1f", "the softcap must be a positive compile-time constant"),
        Unsupported(1, "window", "the window size must be a compile-time constant ≥ 0"),
        Unsupported(2, "0", "the chunk size must be > 0"),
        Unsupported(3, "axis", "the softmax axis must be a compile-time constant"));

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
    public Task TDSL0003_DenseQueryWithPagedKeys() => VerifyAsync("""
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
        Unsupported(0, "k", "a dense query (Bhsd/Bshd) needs dense keys and values; a Tokens query needs Tokens or Pages keys and values"));

    [Fact]
    public Task TDSL0003_ParametersNamedLikeTheGeneratedOnes() => VerifyAsync("""
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
        Unsupported(0, "output", "'output' and 'lse' name the generated methods' own parameters; rename this one"),
        Unsupported(1, "lse", "'output' and 'lse' name the generated methods' own parameters; rename this one"));

    [Fact]
    public Task TDSL0003_KernelTypeNamedLikeAGeneratedMethod() => VerifyAsync($$"""
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
        Unsupported(0, "Run", "the generator adds the methods Run and Reference to the kernel type, so the type cannot have either name"),
        Unsupported(1, "Reference", "the generator adds the methods Run and Reference to the kernel type, so the type cannot have either name"));

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
    public Task TDSL0017_MixedElementTypes() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<Half> q,
                [Shape("B, 8, Sk, 64")] Bhsd<Half> k,
                [Shape({|#0:"B, 8, Sk, 64"|})] Bhsd<float> v
                ) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0017", 0, "'v' has type 'float': q, k, v and the output must share one element type, and q has Half"));

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
