using System.Threading.Tasks;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>The shape diagnostics TDSL0004–TDSL0011 (docs/semantics.md#layouts; the "shape" area of docs/diagnostics).</summary>
public class ShapeDiagnosticTests
{
    // ---- TDSL0004 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0004_EmptyDimensionIsFlaggedOnTheOffendingCharacter() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Varlen
        {
            static Tokens<float> Attend(
                [Shape("B, {|#0:,|} D")] Tokens<float> q,
                [Shape("T, 8, 64")] Tokens<float> k,
                [Shape("T, 8, 64")] Tokens<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'q' is invalid: expected a dimension (a name or a size) but found ',' (in \"B, , D\")"));

    [Fact]
    public Task TDSL0004_UnexpectedCharacter() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, H{|#0:-|}1, S, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'q' is invalid: expected ',' or '*' but found '-' (in \"B, H-1, S, 64\")"));

    [Fact]
    public Task TDSL0004_TrailingCommaPointsAtTheEndOfTheString() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64,{|#0:"|})] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'k' is invalid: expected a dimension (a name or a size) (in \"B, 8, Sk, 64,\")"));

    [Fact]
    public Task TDSL0004_MissingShapeAttribute() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                Bhsd<float> {|#0:k|},
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'k' is invalid: it has no [Shape(\"...\")] attribute; a Bhsd tensor needs one, e.g. \"B, Hq, Sq, D\""));

    [Fact]
    public Task TDSL0004_LiteralLargerThanInt() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, {|#0:9|}9999999999")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'q' is invalid: the size is larger than int.MaxValue (in \"B, 8, Sq, 99999999999\")"));

    [Fact]
    public Task TDSL0004_ProductLargerThanInt() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, {|#0:6|}5536*65536*65536, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'q' is invalid: the size is larger than int.MaxValue (in \"B, 65536*65536*65536, Sq, 64\")"));

    [Fact]
    public Task TDSL0004_ConstantOutsideTheSizeRange() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            const long D = 99999999999;
            const int H = -8;

            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, {|#0:D|}")] Bhsd<float> q,
                [Shape("B, {|#1:H|}, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'q' is invalid: D = 99999999999 is not a size (0 to int.MaxValue) (in \"B, 8, Sq, D\")"),
        Error("TDSL0004", 1, "The shape of 'k' is invalid: H = -8 is not a size (0 to int.MaxValue) (in \"B, H, Sk, 64\")"));

    [Fact]
    public Task TDSL0004_EscapedStringIsFlaggedAsAWhole() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape({|#0:"B,\t8, Sq, 64\t;"|})] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'q' is invalid: expected ',' or '*' but found ';' (in \"B,\t8, Sq, 64\t;\")"));

    [Fact]
    public Task TDSL0004_NonConstantShape() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static readonly string Dims = "B, 8, Sq, 64";

            static Bhsd<float> Attend(
                [Shape({|#0:Dims|})] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Compiler("CS0182", 0),
        Error("TDSL0004", 0, "The shape of 'q' is invalid: the shape must be a constant string"));

    [Fact]
    public Task TDSL0004_SizeNamedLikeATensor() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            [return: Shape({|#2:"B, 8, q, lse"|})]
            static Bhsd<float> Attend(
                [Shape({|#0:"B, 8, q, 64"|})] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape({|#1:"B, 8, Sk, lse"|})] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'q' is invalid: the run-time size 'q' has the name of the tensor parameter 'q'; the generated methods take both, so rename one"),
        Error("TDSL0004", 1, "The shape of 'v' is invalid: the run-time size 'lse' has a name the generated methods use for their own parameter; rename it"),
        Error("TDSL0004", 2, "The shape of 'output' is invalid: the run-time size 'q' has the name of the tensor parameter 'q'; the generated methods take both, so rename one"),
        Error("TDSL0004", 2, "The shape of 'output' is invalid: the run-time size 'lse' has a name the generated methods use for their own parameter; rename it"));

    // ---- TDSL0005 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0005_DenseRank() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            [return: Shape({|#1:"B, 8, Sq, 64, 1"|})]
            static Bhsd<float> Attend(
                [Shape({|#0:"B, 8, Sq"|})] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0005", 0, "'q' is a Bhsd tensor of rank 4 ([B, H, S, D]) but its shape \"B, 8, Sq\" has 3 dimension(s)"),
        Error("TDSL0005", 1, "'output' is a Bhsd tensor of rank 4 ([B, H, S, D]) but its shape \"B, 8, Sq, 64, 1\" has 5 dimension(s)"));

    [Fact]
    public Task TDSL0005_TokensRank() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Varlen
        {
            static Tokens<float> Attend(
                [Shape({|#0:"B, T, 8, 64"|})] Tokens<float> q,
                [Shape("Tk, 8, 64")] Tokens<float> k,
                [Shape("Tk, 8, 64")] Tokens<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0005", 0, "'q' is a Tokens tensor of rank 3 ([T, H, D]) but its shape \"B, T, 8, 64\" has 4 dimension(s)"));

    [Fact]
    public Task TDSL0005_PagesAndPerHeadRank() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Paged
        {
            static Tokens<float> Attend(
                [Shape("T, 8, 64")] Tokens<float> q,
                [Shape({|#0:"N, 16, 64"|})] Pages<float> k,
                [Shape("N, 16, 8, 64")] Pages<float> v,
                [Shape({|#1:"8, 1"|})] PerHead<float> sinks)
                => Softmax(q.MatMul(k.T), sinks).MatMul(v);
        }
        """,
        Error("TDSL0005", 0, "'k' is a Pages tensor of rank 4 ([N, BlockSize, H, D]) but its shape \"N, 16, 64\" has 3 dimension(s)"),
        Error("TDSL0005", 1, "'sinks' is a PerHead tensor of rank 1 ([Hq]) but its shape \"8, 1\" has 2 dimension(s)"));

    // ---- TDSL0006 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0006_BatchBoundToTwoSizes() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            const int B = 2;

            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape({|#0:"3, 8, Sk, 64"|})] Bhsd<float> k,
                [Shape({|#1:"3, 8, Sk, 64"|})] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0006", 0, "Dimension B is bound to two sizes: 'q' has B = 2 but 'k' has B = 3"),
        Error("TDSL0006", 1, "Dimension B is bound to two sizes: 'q' has B = 2 but 'v' has B = 3"));

    [Fact]
    public Task TDSL0006_SinksAndSlopesMustHaveHqEntries() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            const int Hq = 32;

            static Bhsd<float> Attend(
                [Shape("B, Hq, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v,
                [Shape({|#0:"16"|})] PerHead<float> sinks,
                [Shape({|#1:"8"|})] PerHead<float> slopes)
                => Softmax(q.MatMul(k.T) + Alibi(slopes), sinks).MatMul(v);
        }
        """,
        Error("TDSL0006", 0, "Dimension Hq is bound to two sizes: 'q' has Hq = 32 but 'sinks' has Hq = 16"),
        Error("TDSL0006", 1, "Dimension Hq is bound to two sizes: 'q' has Hq = 32 but 'slopes' has Hq = 8"));

    // ---- TDSL0007 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0007_ContractingDifferentHeadSizes() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            const int D = 128;

            static Bhsd<float> Attend(
                [Shape("B, 32, Sq, D")] Bhsd<float> q,
                [Shape({|#0:"B, 8, Sk, 96"|})] Bhsd<float> k,
                [Shape("B, 8, Sk, 96")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0007", 0, "q·kᵀ contracts different head sizes: 'q' has D = 128 but 'k' has D = 96"));

    [Fact]
    public Task TDSL0007_BshdKeysAgainstBhsdQuery() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Mixed
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape({|#0:"B, Sk, 8, 128"|})] Bshd<float> k,
                [Shape("B, Sk, 8, 128")] Bshd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0007", 0, "q·kᵀ contracts different head sizes: 'q' has D = 64 but 'k' has D = 128"));

    // ---- TDSL0008 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0008_ValuesDoNotMatchKeys() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, 100, 64")] Bhsd<float> k,
                [Shape({|#0:"B, 8, 200, 32"|})] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0008", 0, "The values do not match the keys: 'k' has D = 64 but 'v' has D = 32"),
        Error("TDSL0008", 0, "The values do not match the keys: 'k' has S = 100 but 'v' has S = 200"));

    [Fact]
    public Task TDSL0008_VarlenValueTokens() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#1:Varlen|}
        {
            static Tokens<float> Attend(
                [Shape("T, 8, 64")] Tokens<float> q,
                [Shape("512, 8, 64")] Tokens<float> k,
                [Shape({|#0:"256, 8, 64"|})] Tokens<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0008", 0, "The values do not match the keys: 'k' has T = 512 but 'v' has T = 256"));

    // ---- TDSL0009 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0009_OutputHeadSize() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            const int Hq = 32, D = 128;

            [return: Shape({|#0:"B, Hq, Sq, 64"|})]
            static Bhsd<float> Attend(
                [Shape("B, Hq, Sq, D")] Bhsd<float> q,
                [Shape("B, 8, Sk, D")] Bhsd<float> k,
                [Shape("B, 8, Sk, D")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0009", 0, "The declared output has D = 64 but the expression yields D = 128"));

    [Fact]
    public Task TDSL0009_OutputSequenceAndHeads() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            [return: Shape({|#0:"B, Sk, 8, 64"|})]
            static Bshd<float> Attend(
                [Shape("B, 32, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0009", 0, "The declared output has S = Sk but the expression yields S = Sq"),
        Error("TDSL0009", 0, "The declared output has H = 8 but the expression yields H = 32"));

    // ---- TDSL0010 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0010_SoftmaxOverAnotherAxis() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T), axis: {|#0:2|}).MatMul(v);
        }
        """,
        Error("TDSL0010", 0, "Softmax runs over axis 2, but attention normalises over the KV axis (-1 or 3)"));

    [Fact]
    public Task TDSL0010_PositionalAxisWithSinks() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v,
                [Shape("8")] PerHead<float> sinks)
                => Softmax(q.MatMul(k.T), sinks, {|#0:-2|}).MatMul(v);
        }
        """,
        Error("TDSL0010", 0, "Softmax runs over axis -2, but attention normalises over the KV axis (-1 or 3)"));

    // ---- TDSL0011 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0011_BiasWithAFixedQueryLength() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Biased
        {
            const int Hq = 8;

            static Bhsd<float> Attend(
                [Shape("B, Hq, Sq, 64")] Bhsd<float> q,
                [Shape("B, Hq, Sk, 64")] Bhsd<float> k,
                [Shape("B, Hq, Sk, 64")] Bhsd<float> v,
                [Shape({|#0:"B, Hq, 7, Sk"|})] Bias<float> bias)
                => Softmax(q.MatMul(k.T) + bias).MatMul(v);
        }
        """,
        Error("TDSL0011", 0, "'bias' is not broadcastable to the scores [B, Hq, Sq, Sk]: its dimension Sq is 7 but must be 1 or Sq"));

    [Fact]
    public Task TDSL0011_BiasWithTheWrongHeadCount() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Biased
        {
            const int Hq = 8;

            static Bhsd<float> Attend(
                [Shape("B, Hq, Sq, 64")] Bhsd<float> q,
                [Shape("B, Hq, Sk, 64")] Bhsd<float> k,
                [Shape("B, Hq, Sk, 64")] Bhsd<float> v,
                [Shape({|#0:"1, 4, Sq, Sk"|})] Bias<float> bias)
                => Softmax(q.MatMul(k.T) + bias).MatMul(v);
        }
        """,
        Error("TDSL0011", 0, "'bias' is not broadcastable to the scores [B, Hq, Sq, Sk]: its dimension Hq is 4 but must be 1 or 8"));
}
