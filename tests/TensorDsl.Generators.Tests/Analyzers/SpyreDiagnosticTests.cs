using System.Threading.Tasks;
using TensorDsl.CodeFixes;
using TensorDsl.Generators.Tests.Infrastructure;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// TDSL0031–TDSL0035, the Spyre target's rules (docs/spyre.md#constraints), each at its exact location, the element-type
/// code fix, and the variant count the analyzer computes against the runtime's bucket plan.
/// </summary>
public class SpyreDiagnosticTests
{
    [Fact]
    public Task TDSL0031_HeadSizeNotAMultipleOf64() => VerifyAsync("""
        [AttentionKernel(Targets.Spyre)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 96, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape({|#0:"T, Hq, D"|})] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """,
        Warning("TDSL0031", 0, "The Spyre target cannot lower kernel 'Paged': head size D = 96 is not a multiple of 64 (a 128-byte stick of fp16); use D = 128 or drop Targets.Spyre"));

    [Fact]
    public Task TDSL0032_ElementTypeNotFp16_OnEachOperand() => VerifyAsync("""
        [AttentionKernel(Targets.Spyre)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<float> Attend(
                [Shape({|#0:"T, Hq, D"|})] Tokens<float> q,
                [Shape({|#1:"N, BlockSize, Hkv, D"|})] Pages<BFloat16> k,
                [Shape({|#2:"N, BlockSize, Hkv, D"|})] Pages<BFloat16> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """,
        Warning("TDSL0032", 0, "The Spyre target cannot lower kernel 'Paged': 'q' has element type float, and Spyre computes in fp16 only (System.Half)"),
        Warning("TDSL0032", 1, "The Spyre target cannot lower kernel 'Paged': 'k' has element type BFloat16, and Spyre computes in fp16 only (System.Half)"),
        Warning("TDSL0032", 2, "The Spyre target cannot lower kernel 'Paged': 'v' has element type BFloat16, and Spyre computes in fp16 only (System.Half)"));

    [Fact]
    public Task TDSL0032_CodeFixMakesEveryTensorHalf() => AnalyzerVerifier.VerifyFixAsync<SpyreElementTypeCodeFixProvider>("""
        [AttentionKernel(Targets.Cpu | Targets.Spyre)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<float> Attend(
                [Shape({|TDSL0032:"T, Hq, D"|})] Tokens<float> q,
                [Shape({|TDSL0032:"N, BlockSize, Hkv, D"|})] Pages<float> k,
                [Shape({|TDSL0032:"N, BlockSize, Hkv, D"|})] Pages<float> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """, """
        [AttentionKernel(Targets.Cpu | Targets.Spyre)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """);

    [Fact]
    public Task TDSL0033_KvBucketNotStickAligned() => VerifyAsync("""
        [AttentionKernel(Targets.Spyre, SpyreKvBucket = {|#0:200|})]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """,
        Warning("TDSL0033", 0, "The Spyre target cannot lower kernel 'Paged': SpyreKvBucket = 200 must be a positive multiple of 64 (the mask's stick dimension holds L) and of BlockSize = 16 (whole pages per bucket)"));

    [Fact]
    public Task TDSL0033_KvBucketNotWholePages() => VerifyAsync("""
        [AttentionKernel(Targets.Spyre, SpyreKvBucket = {|#0:64|})]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 128;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """,
        Warning("TDSL0033", 0, "The Spyre target cannot lower kernel 'Paged': SpyreKvBucket = 64 must be a positive multiple of 64 (the mask's stick dimension holds L) and of BlockSize = 128 (whole pages per bucket)"));

    [Fact]
    public Task TDSL0033_QueryPaddingNotPositive() => VerifyAsync("""
        [AttentionKernel(Targets.Spyre, SpyreQueryPadding = {|#0:0|})]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """,
        Warning("TDSL0033", 0, "The Spyre target cannot lower kernel 'Paged': SpyreQueryPadding = 0 must be > 0"));

    [Fact]
    public Task TDSL0034_UnsupportedFeaturesNamed() => VerifyAsync("""
        [AttentionKernel(Targets.Spyre)]
        public static partial class {|#0:Paged|}
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v,
                [Shape("Hq")] PerHead<float> sinks)
                => Softmax(Softcap(q.MatMul(k.T), 30f) + Causal(), sinks).MatMul(v);
        }
        """,
        Warning("TDSL0034", 0, "The Spyre target cannot lower kernel 'Paged': its program (scale, q @ kᵀ, + mask, softmax, @ v) cannot express softcap (a tanh between q @ kᵀ and the mask)"),
        Warning("TDSL0034", 0, "The Spyre target cannot lower kernel 'Paged': its program (scale, q @ kᵀ, + mask, softmax, @ v) cannot express softmax sinks 'sinks'"));

    [Fact]
    public Task TDSL0035_VariantBudgetExceeded() => VerifyAsync("""
        [AttentionKernel(Targets.Spyre, SpyreMaxNumSeqs = 4, SpyreMaxModelLen = 512, SpyreVariantBudget = {|#0:40|})]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """,
        Warning("TDSL0035", 0, "Kernel 'Paged' compiles 96 static Spyre shapes for max_num_seqs 4 and max_model_len 512 (KV bucket 256, query padding 32), more than the budget of 40"));

    [Fact]
    public Task WithinBudgetAndAlignedHasNoDiagnostics() => VerifyAsync("""
        [AttentionKernel(Targets.Cpu | Targets.Spyre, SpyreKvBucket = 128, SpyreQueryPadding = 8, SpyreMaxNumSeqs = 4, SpyreMaxModelLen = 512, SpyreVariantBudget = 10000)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 256, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) * 0.05f + Causal() + SlidingWindow(100)).MatMul(v);
        }
        """);

    [Theory]
    [InlineData(4, 512, 256, 32)]
    [InlineData(256, 2048, 256, 32)]
    [InlineData(7, 1000, 128, 8)]
    [InlineData(1, 64, 256, 32)]
    public void AnalyzerVariantCountEqualsTheRuntimePlan(int maxNumSeqs, int maxModelLen, int kvBucket, int queryPadding)
    {
        var runtime = new TensorDsl.Spyre.SpyreBucketing(kvBucket, queryPadding).Plan(maxNumSeqs, maxModelLen).Count;
        Assert.Equal(runtime, VariantCount(maxNumSeqs, maxModelLen, kvBucket, queryPadding));
    }

    /// <summary>
    /// The closed form against the definition (every shortest query length, every KV bucket at least that long),
    /// counted here by brute force over random small limits, where the enumeration is cheap.
    /// </summary>
    [Fact]
    public void VariantCountEqualsTheEnumerationOnRandomLimits()
    {
        var random = new System.Random(35);
        for (var i = 0; i < 500; i++)
        {
            int seqs = random.Next(1, 300), len = random.Next(1, 5000), bucket = random.Next(1, 700), padding = random.Next(1, 100);
            long pairs = 0;
            for (var shortest = 1; shortest <= len; shortest += padding)
            {
                for (var l = bucket; l - bucket < len; l += bucket)
                {
                    pairs += shortest <= l ? 1 : 0;
                }
            }

            Assert.True(seqs * pairs == VariantCount(seqs, len, bucket, padding), $"VariantCount({seqs}, {len}, {bucket}, {padding})");
        }
    }

    /// <summary>TDSL0035 at the int limits: instant (an analyzer runs per keystroke), exact, and saturated rather than wrapped.</summary>
    [Fact]
    public void VariantCountIsInstantAndSaturatesAtTheLimits()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(long.MaxValue, VariantCount(int.MaxValue, int.MaxValue, 64, 1));
        // 2^31 − 1 query lengths × ceil((2^31 − 1) / 64) buckets, minus the pairs a bucket shorter than the query rules out:
        // 1 sequence, padding 2^31 − 1 (one query length, 1), bucket 64 → every one of the 33,554,432 buckets.
        Assert.Equal(33_554_432L, VariantCount(1, int.MaxValue, 64, int.MaxValue));
        Assert.True(clock.ElapsedMilliseconds < 1000, $"took {clock.ElapsedMilliseconds} ms");
    }

    private static long VariantCount(int maxNumSeqs, int maxModelLen, int kvBucket, int queryPadding) =>
        TensorDsl.FrontEnd.Model.SpyreFacts.VariantCount(maxNumSeqs, maxModelLen, kvBucket, queryPadding);
}
