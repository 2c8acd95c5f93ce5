using System.Threading.Tasks;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// TDSL0012–TDSL0015: head ratios, the varlen (<c>Tokens&lt;T&gt;</c> [T, H, D]) and paged
/// (<c>Pages&lt;T&gt;</c> [N, BlockSize, Hkv, D]) shape rules, and what the targets cannot lower yet (docs/design.md).
/// </summary>
public class HeadsPagingAndTargetTests
{
    // ---- TDSL0012 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0012_HqNotAMultipleOfHkv() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            const int Hq = 6, Hkv = 4;

            static Bhsd<float> Attend(
                [Shape("B, Hq, Sq, 64")] Bhsd<float> q,
                [Shape({|#0:"B, Hkv, Sk, 64"|})] Bhsd<float> k,
                [Shape("B, Hkv, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0012", 0, "Hq must be a multiple of Hkv: the query 'q' has Hq = 6 but the keys 'k' have Hkv = 4"));

    [Fact]
    public Task TDSL0029_ZeroKvHeads() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape({|#0:"B, 0, Sk, 64"|})] Bhsd<float> k,
                [Shape("B, 0, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0029", 0, "'k' has Hkv = 0, but a kernel needs at least one KV head (Hq is a multiple of Hkv)"));

    [Fact]
    public Task TDSL0012_VarlenHeadRatio() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#1:Varlen|}
        {
            const int Hq = 6, Hkv = 4, D = 64;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape({|#0:"Tk, Hkv, D"|})] Tokens<Half> k,
                [Shape("Tk, Hkv, D")] Tokens<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """,
        Error("TDSL0012", 0, "Hq must be a multiple of Hkv: the query 'q' has Hq = 6 but the keys 'k' have Hkv = 4"));

    // ---- TDSL0013 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0013_KAndVHeadCounts() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            static Bhsd<float> Attend(
                [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                [Shape({|#0:"B, 4, Sk, 64"|})] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0013", 0, "K and V must have the same number of heads: 'k' has Hkv = 8 but 'v' has Hkv = 4"));

    [Fact]
    public Task TDSL0027_PagedHeadCounts() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#1:Paged|}
        {
            const int Hkv = 8;

            static Tokens<float> Attend(
                [Shape("T, 32, 128")] Tokens<float> q,
                [Shape("N, 16, Hkv, 128")] Pages<float> k,
                [Shape({|#0:"N, 16, 2, 128"|})] Pages<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0027", 0, "The paged caches disagree on Hkv: 'k' has Hkv = 8 but 'v' has Hkv = 2; K and V are read through one block table, so they share N, BlockSize, Hkv and D"));

    // ---- TDSL0014 ----------------------------------------------------------------------------------------------

    [Fact]
    public Task TDSL0014_BlockSizeNotAPowerOfTwo() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#2:Paged|}
        {
            const int BlockSize = 24;

            static Tokens<float> Attend(
                [Shape("T, 32, 128")] Tokens<float> q,
                [Shape({|#0:"N, BlockSize, 8, 128"|})] Pages<float> k,
                [Shape({|#1:"N, BlockSize, 8, 128"|})] Pages<float> v)
                => Softmax(q.MatMul(k.T) * Rsqrt(128) + Causal()).MatMul(v);
        }
        """,
        Error("TDSL0014", 0, "The paged cache 'k' has BlockSize = 24: the block size must be a power of two (1, 2, 4, … 16, 32, 64 …)"),
        Error("TDSL0014", 1, "The paged cache 'v' has BlockSize = 24: the block size must be a power of two (1, 2, 4, … 16, 32, 64 …)"));

    [Fact]
    public Task TDSL0027_KAndVDeclareDifferentBlockSizes() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#1:Paged|}
        {
            static Tokens<float> Attend(
                [Shape("T, 32, 128")] Tokens<float> q,
                [Shape("N, 16, 8, 128")] Pages<float> k,
                [Shape({|#0:"N, 32, 8, 128"|})] Pages<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0027", 0, "The paged caches disagree on BlockSize: 'k' has BlockSize = 16 but 'v' has BlockSize = 32; K and V are read through one block table, so they share N, BlockSize, Hkv and D"));

    [Fact]
    public Task TDSL0014_BlockSizeKnownOnlyAtRunTime() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#2:Paged|}
        {
            static Tokens<float> Attend(
                [Shape("T, 32, 128")] Tokens<float> q,
                [Shape({|#0:"N, Bs, 8, 128"|})] Pages<float> k,
                [Shape({|#1:"N, Bs, 8, 128"|})] Pages<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0014", 0, "The paged cache 'k' has BlockSize = Bs: the block size must be a compile-time constant (a literal or a const)"),
        Error("TDSL0014", 1, "The paged cache 'v' has BlockSize = Bs: the block size must be a compile-time constant (a literal or a const)"));

    [Fact]
    public Task TDSL0014_ZeroBlockSize() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#2:Paged|}
        {
            static Tokens<float> Attend(
                [Shape("T, 32, 128")] Tokens<float> q,
                [Shape({|#0:"N, 0, 8, 128"|})] Pages<float> k,
                [Shape({|#1:"N, 0, 8, 128"|})] Pages<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0014", 0, "The paged cache 'k' has BlockSize = 0: the block size must be a power of two (1, 2, 4, … 16, 32, 64 …)"),
        Error("TDSL0014", 1, "The paged cache 'v' has BlockSize = 0: the block size must be a power of two (1, 2, 4, … 16, 32, 64 …)"));

    // ---- paged / varlen layout rules ---------------------------------------------------------------------------

    [Fact]
    public Task Paged_BlockCountBoundToTwoSizes() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#1:Paged|}
        {
            static Tokens<float> Attend(
                [Shape("T, 32, 128")] Tokens<float> q,
                [Shape("100, 16, 8, 128")] Pages<float> k,
                [Shape({|#0:"200, 16, 8, 128"|})] Pages<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0027", 0, "The paged caches disagree on N: 'k' has N = 100 but 'v' has N = 200; K and V are read through one block table, so they share N, BlockSize, Hkv and D"));

    [Fact]
    public Task Paged_HeadSizeMismatchAgainstTokensQuery() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#1:Paged|}
        {
            static Tokens<float> Attend(
                [Shape("T, 32, 128")] Tokens<float> q,
                [Shape({|#0:"N, 16, 8, 64"|})] Pages<float> k,
                [Shape("N, 16, 8, 64")] Pages<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0007", 0, "q·kᵀ contracts different head sizes: 'q' has D = 128 but 'k' has D = 64"));

    [Fact]
    public Task Paged_KeysAndValuesMustShareALayout() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Paged
        {
            static Tokens<float> Attend(
                [Shape("T, 32, 128")] Tokens<float> q,
                [Shape("N, 16, 8, 128")] Pages<float> k,
                [Shape({|#0:"Tk, 8, 128"|})] Tokens<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0023", 0, "The keys and values share one layout and 'k' is Pages, but 'v' is Tokens"));

    [Fact]
    public Task TDSL0025_PagedOperandAsTheQueryOverTokensKeysIsASwap() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Paged
        {
            static Tokens<float> Attend(
                [Shape("T, 8, 128")] Tokens<float> a,
                [Shape("N, 16, 8, 128")] Pages<float> b,
                [Shape("N, 16, 8, 128")] Pages<float> v)
                => Softmax({|#0:b.MatMul(a.T)|}).MatMul(v);
        }
        """,
        Error("TDSL0025", 0, "'b' is used as the query and 'a' as the keys, but 'b' is a Pages cache, which only holds keys and values; the query is the receiver of MatMul, so the expected order is a.MatMul(b.T)"));

    /// <summary>One mistake, one diagnostic: q.MatMul(k.T) with q declared Pages is a layout mistake, not a swap.</summary>
    [Fact]
    public Task PagesQueryNamedLikeAQueryIsALayoutMistake() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Paged
        {
            static Tokens<float> Attend(
                [Shape({|#0:"N, 16, 8, 128"|})] Pages<float> q,
                [Shape("N, 16, 8, 128")] Pages<float> k,
                [Shape("N, 16, 8, 128")] Pages<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0023", 0, "A query is Bhsd, Bshd or Tokens (a Pages cache only holds keys and values), but 'q' is Pages"));

    /// <summary>One mistake, one diagnostic: fewer query heads than KV heads under natural names is TDSL0012.</summary>
    [Fact]
    public Task FewerQueryHeadsUnderNaturalNamesIsAHeadRatioMistake() => VerifyAsync("""
        [AttentionKernel]
        public static partial class Gqa
        {
            const int Hq = 4, Hkv = 8;

            static Bhsd<float> Attend(
                [Shape("B, Hq, Sq, 64")] Bhsd<float> q,
                [Shape({|#0:"B, Hkv, Sk, 64"|})] Bhsd<float> k,
                [Shape("B, Hkv, Sk, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0012", 0, "Hq must be a multiple of Hkv: the query 'q' has Hq = 4 but the keys 'k' have Hkv = 8"));

    [Fact]
    public Task Varlen_OutputMustBeTokens() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#1:Varlen|}
        {
            static {|#0:Bhsd<float>|} Attend(
                [Shape("T, 8, 64")] Tokens<float> q,
                [Shape("Tk, 8, 64")] Tokens<float> k,
                [Shape("Tk, 8, 64")] Tokens<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0023", 0, "The output of a Tokens query ('q') is Tokens<T>, but 'output' is Bhsd"));

    [Fact]
    public Task Varlen_BiasNeedsDenseOperands() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#1:Varlen|}
        {
            static Tokens<float> Attend(
                [Shape("T, 8, 64")] Tokens<float> q,
                [Shape("Tk, 8, 64")] Tokens<float> k,
                [Shape("Tk, 8, 64")] Tokens<float> v,
                [Shape({|#0:"1, 8, Sq, Sk"|})] Bias<float> bias)
                => Softmax(q.MatMul(k.T) + bias).MatMul(v);
        }
        """,
        Error("TDSL0023", 0, "A bias tensor ('bias') needs a dense (Bhsd or Bshd) query, but 'q' is Tokens"));

    [Fact]
    public Task Varlen_OutputShapeIsChecked() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#1:Varlen|}
        {
            [return: Shape({|#0:"T, 8, 32"|})]
            static Tokens<float> Attend(
                [Shape("T, 8, 64")] Tokens<float> q,
                [Shape("Tk, 8, 64")] Tokens<float> k,
                [Shape("Tk, 8, 64")] Tokens<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """,
        Error("TDSL0009", 0, "The declared output has D = 32 but the expression yields D = 64"));

    // ---- TDSL0015 (the CPU target lowers varlen and paged kernels; Spyre lowers paged fp16 kernels: SpyreDiagnosticTests) ----------------------------------------------------------------------------------------------

    [Fact]
    public Task ValidVarlenKernelHasNoDiagnostics() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#0:Varlen|}
        {
            const int Hq = 32, Hkv = 8, D = 128;

            [return: Shape("T, Hq, D")]
            static Tokens<BFloat16> Attend(
                [Shape("T, Hq, D")] Tokens<BFloat16> q,
                [Shape("Tk, Hkv, D")] Tokens<BFloat16> k,
                [Shape("Tk, Hkv, D")] Tokens<BFloat16> v,
                [Shape("Hq")] PerHead<float> sinks)
                => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal() + SlidingWindow(1024), sinks).MatMul(v);
        }
        """);

    [Fact]
    public Task ValidPagedKernelHasNoDiagnostics() => VerifyAsync("""
        [AttentionKernel]
        public static partial class {|#0:PagedGqa|}
        {
            const int Hq = 32, Hkv = 8, D = 128, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
        }
        """);

    [Fact]
    public Task TDSL0015_SpyreTakesOnlyPagedKernels() => VerifyAsync("""
        [AttentionKernel(Targets.Spyre)]
        public static partial class {|#0:Gqa|}
        {
            static Bhsd<Half> Attend(
                [Shape("B, 32, Sq, 128")] Bhsd<Half> q,
                [Shape("B, 8, Sk, 128")] Bhsd<Half> k,
                [Shape("B, 8, Sk, 128")] Bhsd<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """,
        Warning("TDSL0015", 0, "The Spyre target cannot lower kernel 'Gqa': its program takes Tokens queries over a Pages KV cache (vLLM's paged metadata); declare q as Tokens<Half> and k, v as Pages<Half>"));

    [Fact]
    public Task BothTargetsLowerAPagedFp16Kernel() => VerifyAsync("""
        [AttentionKernel(Targets.Cpu | Targets.Spyre)]
        public static partial class {|#0:PagedGqa|}
        {
            const int Hq = 32, Hkv = 8, D = 128, BlockSize = 64;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
        }
        """);
}
