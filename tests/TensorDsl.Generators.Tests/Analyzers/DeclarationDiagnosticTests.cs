using System.Threading.Tasks;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// The IDs split out of TDSL0003 (TDSL0019–TDSL0030) and the regressions users found: swapped query and keys,
/// shape names bound to non-constants, zero head counts, invalid targets, mixed element types.
/// </summary>
public class DeclarationDiagnosticTests
{
    private const string Operands =
        """[Shape("B, 8, Sq, 64")] Bhsd<float> q, [Shape("B, 8, Sk, 64")] Bhsd<float> k, [Shape("B, 8, Sk, 64")] Bhsd<float> v""";

    private const string TypeRule = "a kernel type is a partial class (not a record), generic neither itself nor through a type around it, that leaves the names of the generated members (Run, Reference, WriteCache, SpyreSpec, …) to the generator";

    [Fact]
    public Task TDSL0019_RecordKernel() => VerifyAsync($$"""
        [AttentionKernel]
        public partial record {|#0:Gqa|}
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0019", 0, $"The attention kernel type 'Gqa' is a record; {TypeRule}"));

    [Fact]
    public Task TDSL0020_EmptyBlock() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}})
            {|#0:{
                throw new System.NotImplementedException();
            }|}
        }
        """,
        Error("TDSL0020", 0, "The body of 'Attend' is a block whose only statement is not 'return expression;', but it must be one attention expression: '=> expression' or a block whose only statement is 'return expression;'"));

    [Fact]
    public Task TDSL0022_SlopesReusedAsSinks() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v,
                [Shape("8")] PerHead<float> slopes)
                => Softmax(q.MatMul(k.T) + Alibi(slopes), {|#0:slopes|}).MatMul(v);
        }
        """,
        Error("TDSL0022", 0, "'slopes' is used as the ALiBi slopes and again as the sinks; each parameter plays one role, so declare a separate parameter for each"));

    [Fact]
    public Task TDSL0023_TokensQueryOverDenseKeys() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Varlen
        {
            static Tokens<float> Attend(
                [Shape("T, 8, 64")] Tokens<float> q,
                [Shape({|#0:"B, 8, Sk, 64"|})] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0023", 0, "A Tokens query needs Tokens or Pages keys and values, but 'k' is Bhsd"));

    [Fact]
    public Task TDSL0023_DenseQueryOverVarlenValues() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bshd<float> Attend(
                [Shape("B, Sq, 8, 64")] Bshd<float> q,
                [Shape("B, Sk, 8, 64")] Bshd<float> k,
                [Shape({|#0:"Tk, 8, 64"|})] Tokens<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0023", 0, "A Bshd query needs dense (Bhsd or Bshd) keys and values, but 'v' is Tokens"));

    [Fact]
    public Task TDSL0024_NamesTheVarlenEntryPointsTake() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape({|#0:"B, 8, Sq, 64"|})] Bhsd<float> batch,
                [Shape({|#1:"B, 8, Sk, 64"|})] Bhsd<float> kvCache,
                [Shape({|#2:"B, 8, Sk, 64"|})] Bhsd<float> layout,
                [Shape({|#3:"8"|})] PerHead<float> heads)
                => Softmax(batch.MatMul(kvCache.T), heads).MatMul(layout);
        }
        """,
        Error("TDSL0024", 0, Reserved("batch")),
        Error("TDSL0024", 1, Reserved("kvCache")),
        Error("TDSL0024", 2, Reserved("layout")),
        Error("TDSL0024", 3, Reserved("heads")));

    [Fact]
    public Task TDSL0025_QueryWithFewerHeadsThanItsKeys() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 32, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax({|#0:k.MatMul(q.T)|}).MatMul(v);
        }
        """,
        Error("TDSL0025", 0, "'k' is used as the query and 'q' as the keys, but 'k' has 8 heads and 'q' has 32: a query has at least as many heads as its keys; the query is the receiver of MatMul, so the expected order is q.MatMul(k.T)"));

    [Fact]
    public Task TDSL0025_OperandsNamedTheOtherWayRound() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Mha
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> query,
                [Shape("B, 8, Sk, 64")] Bhsd<float> keys,
                [Shape("B, 8, Sk, 64")] Bhsd<float> values)
                => Softmax({|#0:keys.MatMul(query.T)|}).MatMul(values);
        }
        """,
        Error("TDSL0025", 0, "'keys' is used as the query and 'query' as the keys, but 'keys' is named like keys and 'query' like a query; the query is the receiver of MatMul, so the expected order is query.MatMul(keys.T)"));

    [Fact]
    public Task TDSL0026_WindowFromAStaticReadonlyField() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            static readonly int Left = 128;

            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T) + SlidingWindow({|#0:Left|}, {|#1:-1|})).MatMul(v);
        }
        """,
        Error("TDSL0026", 0, "The window size must be a compile-time constant ≥ 0, but 'Left' is a static readonly field, not a const"),
        Error("TDSL0026", 1, "The window size must be a compile-time constant ≥ 0, but '-1' is -1"));

    [Fact]
    public Task TDSL0027_PagedHeadSizesDisagree() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Paged
        {
            static Tokens<float> Attend(
                [Shape("T, 32, 128")] Tokens<float> q,
                [Shape("N, 16, 8, 128")] Pages<float> k,
                [Shape({|#0:"N, 16, 8, 64"|})] Pages<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0027", 0, "The paged caches disagree on D: 'k' has D = 128 but 'v' has D = 64; K and V are read through one block table, so they share N, BlockSize, Hkv and D"));

    [Fact]
    public Task TDSL0028_NoTarget() => VerifyAsync($$"""
        [AttentionKernel({|#0:(Targets)0|})]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0028", 0, "The kernel targets '(Targets)0' (= 0) select no target, so nothing would be generated; use Targets.Cpu, Targets.Spyre or Targets.Cpu | Targets.Spyre"));

    [Fact]
    public Task TDSL0028_UndefinedTargetBit() => VerifyAsync($$"""
        [AttentionKernel({|#0:Targets.Cpu | (Targets)4|})]
        public static partial class Gqa
        {
            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0028", 0, "The kernel targets 'Targets.Cpu | (Targets)4' (= 5) include the undefined bit(s) 0x4; use Targets.Cpu, Targets.Spyre or Targets.Cpu | Targets.Spyre"));

    [Fact]
    public Task TDSL0029_ZeroHeadSizeAndQueryHeads() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            const int D = 0;

            static Bhsd<float> Attend(
                [Shape({|#0:"B, 0, Sq, D"|})] Bhsd<float> q,
                [Shape("B, 8, Sk, D")] Bhsd<float> k,
                [Shape("B, 8, Sk, D")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T) * 0.125f).MatMul(v);
        }
        """,
        Error("TDSL0029", 0, "'q' has Hq = 0, but a kernel needs at least one query head"),
        Error("TDSL0029", 0, "'q' has D = 0, but the head size must be at least 1 (q·kᵀ over D = 0 is an empty sum)"));

    // ---- TDSL0030: k and v share the KV cache's element type, the output has q's; the two may differ --------------

    private const string ElementRule = "k and v share one element type (the KV cache's), and the output has q's";

    [Fact]
    public Task TDSL0030_ValuesWithAnotherElementTypeThanTheKeys() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<Half> k,
                [Shape({|#0:"B, 8, Sk, 64"|})] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0030", 0, "'v' has element type float but 'k' has Half; " + ElementRule));

    [Fact]
    public Task TDSL0030_PagedValuesWithAnotherElementTypeThanTheKeys() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Paged
        {
            const int BlockSize = 16;

            static Tokens<float> Attend(
                [Shape("T, 8, 64")] Tokens<float> q,
                [Shape("N, BlockSize, 2, 64")] Pages<Half> k,
                [Shape({|#0:"N, BlockSize, 2, 64"|})] Pages<BFloat16> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0030", 0, "'v' has element type BFloat16 but 'k' has Half; " + ElementRule));

    [Fact]
    public Task TDSL0030_OutputWithAnotherElementTypeThanTheQuery() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static {|#0:Bhsd<Half>|} Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<Half> k,
                [Shape("B, 8, Sk, 64")] Bhsd<Half> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0030", 0, "'output' has element type Half but 'q' has float; " + ElementRule));

    [Fact]
    public Task TDSL0030_DeclaredOutputShapeIsTheLocation() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            [return: Shape({|#0:"B, Sq, 8, 64"|})]
            static Bshd<BFloat16> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<Half> q,
                [Shape("B, 8, Sk, 64")] Bhsd<Half> k,
                [Shape("B, 8, Sk, 64")] Bhsd<Half> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0030", 0, "'output' has element type BFloat16 but 'q' has Half; " + ElementRule));

    [Fact]
    public Task TDSL0030_BothRulesBrokenAreBothReported() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static {|#1:Tokens<float>|} Attend(
                [Shape("T, 8, 64")] Tokens<BFloat16> q,
                [Shape("Tk, 2, 64")] Tokens<float> k,
                [Shape({|#0:"Tk, 2, 64"|})] Tokens<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """,
        Error("TDSL0030", 0, "'v' has element type Half but 'k' has float; " + ElementRule),
        Error("TDSL0030", 1, "'output' has element type float but 'q' has BFloat16; " + ElementRule));

    // ---- TDSL0004: names in [Shape] that are members but not integral consts --------------------------------

    [Fact]
    public Task TDSL0004_StaticReadonlyAndConstCharDimensions() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static readonly int D = 64;
            const char C = 'c';

            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, {|#0:D|}")] Bhsd<float> q,
                [Shape("B, 8, Sk, {|#1:C|}")] Bhsd<float> k,
                [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0004", 0, "The shape of 'q' is invalid: 'D' is a static readonly field; shape dimensions must be const int (or a literal) (in \"B, 8, Sq, D\")"),
        Error("TDSL0004", 1, "The shape of 'k' is invalid: 'C' is a const char; shape dimensions must be const int (or a literal) (in \"B, 8, Sk, C\")"));

    [Fact]
    public Task TDSL0004_EnclosingMembersAreLookedUpToo() => VerifyAsync("""
        public static partial class Model
        {
            const int D = 0;
            static readonly int Hq = 8;

            [AttentionKernel]
            public static partial class Gqa
            {
                static Bhsd<float> Attend(
                    [Shape("B, {|#1:H|}q, Sq, D")] Bhsd<float> q,
                    [Shape("B, 8, Sk, D")] Bhsd<float> k,
                    [Shape("B, 8, Sk, D")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T) * 0.125f).MatMul(v);
            }
        }
        """,
        Error("TDSL0004", 1, "The shape of 'q' is invalid: 'Hq' is a static readonly field; shape dimensions must be const int (or a literal) (in \"B, Hq, Sq, D\")"));

    [Fact]
    public Task EnclosingConstantsAreCompileTimeSizes() => VerifyAsync("""
        public static partial class Model
        {
            const int D = 0;

            [AttentionKernel]
            public static partial class Gqa
            {
                static Bhsd<float> Attend(
                    [Shape({|#0:"B, 8, Sq, D"|})] Bhsd<float> q,
                    [Shape("B, 8, Sk, D")] Bhsd<float> k,
                    [Shape("B, 8, Sk, D")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T) * 0.125f).MatMul(v);
            }
        }
        """,
        // D = 0 is only known because the enclosing const was honoured.
        Error("TDSL0029", 0, "'q' has D = 0, but the head size must be at least 1 (q·kᵀ over D = 0 is an empty sum)"));

    [Fact]
    public Task InnerConstantShadowsTheEnclosingOne() => VerifyAsync("""
        public static partial class Model
        {
            static readonly int D = 1;

            [AttentionKernel]
            public static partial class Gqa
            {
                const int D = 64;

                static Bhsd<float> Attend(
                    [Shape("B, 8, Sq, D")] Bhsd<float> q,
                    [Shape("B, 8, Sk, D")] Bhsd<float> k,
                    [Shape("B, 8, Sk, D")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
        }
        """);

    // ---- 'this' inside a mask lambda -----------------------------------------------------------------------

    [Fact]
    public Task ThisInsideAMaskLambdaIsALambdaProblem() => VerifyAsync($$"""
        [AttentionKernel]
        public partial class Gqa
        {
            int band = 8;

            static Bhsd<float> Attend({{Operands}}) => Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => i - j < {|#0:{|#1:this|}.band|})).MatMul(v);
        }
        """,
        Compiler("CS0026", 1),
        LambdaError(0, "this.band", "a lambda may use only its parameters and compile-time constants (captured variables, fields and properties cannot be inlined)"));

    private static string Reserved(string name) =>
        $"The parameter '{name}' is named like a parameter of the generated Run and Reference (output, lse, batch, heads, kvCache and layout are reserved); rename it";
}
