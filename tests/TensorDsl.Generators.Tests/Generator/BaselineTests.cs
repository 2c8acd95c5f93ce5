using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Generator;

/// <summary>
/// The generated kernels, compared line by line with checked-in baselines (refresh them with
/// <c>TENSORDSL_UPDATE_BASELINES=1</c> and review the diff), and compiled with every warning on.
/// </summary>
public class BaselineTests
{
    /// <summary>The Llama GQA sample: Bhsd float, every size but B/Sq/Sk a constant, causal, explicit Rsqrt(D).</summary>
    public const string LlamaGqa = """
        namespace TensorDsl.Sample;

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
        """;

    /// <summary>The Gemma sample: Bshd Half, softcap, causal sliding window.</summary>
    public const string GemmaLocal = """
        namespace TensorDsl.Sample;

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
        """;

    /// <summary>Nothing constant: every size is a run-time parameter, Hq % Hkv is checked at run time, default scale.</summary>
    public const string RuntimeDims = """
        [AttentionKernel]
        public static partial class RuntimeDims
        {
            static Bhsd<float> Attend(
                [Shape("B, Hq, Sq, D")] Bhsd<float> q,
                [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
                [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """;

    /// <summary>BFloat16 with a bias broadcast over the batch, ALiBi slopes and per-head sinks.</summary>
    public const string BiasAlibiSinks = """
        namespace Models.Bf16;

        [AttentionKernel]
        public static partial class BiasAlibiSinks
        {
            const int Hq = 8, Hkv = 2, D = 64;

            static Bhsd<BFloat16> Attend(
                [Shape("B, Hq, Sq, D")] Bhsd<BFloat16> q,
                [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> k,
                [Shape("B, Hkv, Sk, D")] Bhsd<BFloat16> v,
                [Shape("1, Hq, Sq, Sk")] Bias<BFloat16> bias,
                [Shape("Hq")] PerHead<float> slopes,
                PerHead<float> sinks)
                => Softmax(q.MatMul(k.T) + bias + Alibi(slopes) + Causal(), sinks).MatMul(v);
        }
        """;

    /// <summary>A custom mask and a custom score modifier, using Math, MathF, casts and kernel constants.</summary>
    public const string FlexLambdas = """
        [AttentionKernel]
        public static partial class FlexLambdas
        {
            const int Hq = 4, D = 32, Band = 16;
            const float Cap = 30f;

            static Bshd<float> Attend(
                [Shape("B, Sq, Hq, D")] Bshd<float> q,
                [Shape("B, Sk, Hq, D")] Bshd<float> k,
                [Shape("B, Sk, Hq, D")] Bshd<float> v)
                => Softmax(
                       ScoreMod(q.MatMul(k.T), (batch, head, query, key, score) =>
                           Cap * MathF.Tanh(score / Cap) - (float)Math.Log(1 + Math.Abs(query - key)) * (head + 1) / Hq)
                       + Mask((batch, head, query, key) => Math.Abs(query - key) <= Band && (key % 2 == 0 || batch > 0)))
                   .MatMul(v);
        }
        """;

    /// <summary>A kernel nested two types deep in a block-scoped namespace; the generator must reopen every container.</summary>
    public const string NestedKernel = """
        namespace Contoso.Inference
        {
            namespace Layers
            {
                public static partial class Model
                {
                    internal partial struct Decoder
                    {
                        [AttentionKernel]
                        public static partial class SelfAttention
                        {
                            const int D = 64;

                            static Bhsd<float> Attend(
                                [Shape("B, 12, Sq, D")] Bhsd<float> q,
                                [Shape("B, 12, Sk, D")] Bhsd<float> k,
                                [Shape("B, 12, Sk, D")] Bhsd<float> v)
                                => Softmax(q.MatMul(k.T) + SlidingWindow(8, 2)).MatMul(v);
                        }
                    }
                }
            }
        }
        """;

    /// <summary>An explicit literal scale (on the left), chunked-local + causal, Half, and a Bshd output for a Bhsd query.</summary>
    public const string ChunkedScaled = """
        [AttentionKernel]
        public static partial class ChunkedScaled
        {
            const int D = 64, Chunk = 256;

            [return: Shape("B, S, 16, D")]
            static Bshd<Half> Attend(
                [Shape("B, 16, S, D")] Bhsd<Half> q,
                [Shape("B, 4, S, D")] Bhsd<Half> k,
                [Shape("B, 4, S, D")] Bhsd<Half> v)
                => Softmax(0.125f * q.MatMul(k.T) + ChunkedLocal(Chunk) + Causal()).MatMul(v);
        }
        """;

    /// <summary>vLLM's decode/prefill kernel: flat queries over a paged KV cache, with sinks and a window.</summary>
    private const string PagedGqa = """
        namespace Serving;

        [AttentionKernel]
        public static partial class PagedGqa
        {
            const int Hq = 32, Hkv = 8, D = 128, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v,
                [Shape("Hq")] PerHead<float> sinks)
                => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal() + SlidingWindow(4095), sinks).MatMul(v);
        }
        """;

    /// <summary>Varlen prefill over flat K/V with run-time head counts and ALiBi.</summary>
    private const string VarlenPrefill = """
        [AttentionKernel]
        public static partial class VarlenPrefill
        {
            static Tokens<BFloat16> Attend(
                [Shape("T, Hq, D")] Tokens<BFloat16> q,
                [Shape("Tk, Hkv, D")] Tokens<BFloat16> k,
                [Shape("Tk, Hkv, D")] Tokens<BFloat16> v,
                [Shape("Hq")] PerHead<float> slopes)
                => Softmax(Softcap(q.MatMul(k.T), 30f) + Alibi(slopes) + Causal()).MatMul(v);
        }
        """;

    /// <summary>
    /// fp32 queries over an fp16 paged KV cache: k, v, the caches and WriteCache's new keys and values are Half, q and
    /// the output float, and the driver gets TQ = TO = float, TKV = Half.
    /// </summary>
    private const string PagedMixedKv = """
        [AttentionKernel]
        public static partial class PagedMixedKv
        {
            const int Hq = 8, Hkv = 2, D = 64, BlockSize = 16;

            static Tokens<float> Attend(
                [Shape("T, Hq, D")] Tokens<float> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """;

    /// <summary>The Spyre target alone: SpyreSpec, SpyreProgram (the Python module), SpyrePrepare/WriteCache/Unpack, per-kernel buckets.</summary>
    public const string SpyrePaged = """
        [AttentionKernel(Targets.Spyre, SpyreKvBucket = 128, SpyreQueryPadding = 16)]
        public static partial class SpyrePaged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) * 0.125f + Causal() + SlidingWindow(255)).MatMul(v);
        }
        """;

    public static TheoryData<string, string, string> Kernels => new()
    {
        { "SpyrePaged", SpyrePaged, "SpyrePaged.TensorDsl.g.cs" },
        { "PagedMixedKv", PagedMixedKv, "PagedMixedKv.TensorDsl.g.cs" },
        { "PagedGqa", PagedGqa, "Serving.PagedGqa.TensorDsl.g.cs" },
        { "VarlenPrefill", VarlenPrefill, "VarlenPrefill.TensorDsl.g.cs" },
        { "LlamaGqa", LlamaGqa, "TensorDsl.Sample.LlamaGqa.TensorDsl.g.cs" },
        { "GemmaLocal", GemmaLocal, "TensorDsl.Sample.GemmaLocal.TensorDsl.g.cs" },
        { "RuntimeDims", RuntimeDims, "RuntimeDims.TensorDsl.g.cs" },
        { "BiasAlibiSinks", BiasAlibiSinks, "Models.Bf16.BiasAlibiSinks.TensorDsl.g.cs" },
        { "FlexLambdas", FlexLambdas, "FlexLambdas.TensorDsl.g.cs" },
        { "NestedKernel", NestedKernel, "Contoso.Inference.Layers.Model.Decoder.SelfAttention.TensorDsl.g.cs" },
        { "ChunkedScaled", ChunkedScaled, "ChunkedScaled.TensorDsl.g.cs" },
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public async Task GeneratedKernelMatchesBaselineAndCompilesCleanly(string name, string source, string hintName)
    {
        var run = await GeneratorHarness.RunAsync(source);

        Assert.Null(run.Generator.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        var generated = Assert.Single(run.Sources);
        Assert.Equal(hintName, GeneratorRun.Readable(generated.HintName));
        BaselineAssert.Matches(name, generated.SourceText.ToString());

        var problems = run.CompilationProblems();
        Assert.True(problems.IsEmpty, "The output compilation has problems:\n" + string.Join("\n", problems.Select(Describe)));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public async Task GeneratedFileHasHeader(string name, string source, string hintName)
    {
        _ = name;
        var run = await GeneratorHarness.RunAsync(source);
        var text = BaselineAssert.Normalize(run.Source(hintName));
        var lines = text.Split('\n');

        Assert.Equal("// <auto-generated/>", lines[0]);
        Assert.Contains("#nullable enable", lines);

        // The header (the comment block before the first directive) names the expression and every operand's shape.
        var header = lines.TakeWhile(line => line.StartsWith("//", System.StringComparison.Ordinal)).ToList();
        var expression = header.SingleOrDefault(line => line.StartsWith("// Expression: ", System.StringComparison.Ordinal));
        Assert.NotNull(expression);
        Assert.Contains("Softmax(", expression);
        Assert.Contains(".MatMul(v)", expression);
        Assert.Contains("// Shapes:", header);
        foreach (var operand in new[] { "q (Query)", "k (Key)", "v (Value)", "output:" })
        {
            Assert.Contains(header, line => line.StartsWith("//   " + operand, System.StringComparison.Ordinal) && line.Contains('['));
        }
    }

    [Fact]
    public async Task HeaderSpellsOutTheSampleDeclaration()
    {
        var run = await GeneratorHarness.RunAsync(LlamaGqa);
        var text = BaselineAssert.Normalize(run.Source("LlamaGqa.TensorDsl.g.cs"));

        Assert.StartsWith("// <auto-generated/>\n", text);
        Assert.Contains("\n// Expression: Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v)\n", text);
        Assert.Contains("\n//   q (Query): Bhsd<Float> [B, Hq = 32, Sq, D = 128]\n", text);
        Assert.Contains("\n//   k (Key): Bhsd<Float> [B, Hkv = 8, Sk, D = 128]\n", text);
        Assert.Contains("\n//   v (Value): Bhsd<Float> [B, Hkv = 8, Sk, D = 128]\n", text);
        Assert.Contains("\n#nullable enable\n", text);
        Assert.True(text.IndexOf("#nullable enable", System.StringComparison.Ordinal) < text.IndexOf("namespace ", System.StringComparison.Ordinal));
    }

    public static TheoryData<string, string> NotEmitted => new()
    {
        {
            "contraction mismatch", """
            [AttentionKernel]
            public static partial class Mismatch
            {
                static Bhsd<float> Attend(
                    [Shape("B, 8, Sq, 128")] Bhsd<float> q,
                    [Shape("B, 2, Sk, 96")] Bhsd<float> k,
                    [Shape("B, 2, Sk, 96")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
            """
        },
        {
            "not partial", """
            [AttentionKernel]
            public static class NotPartial
            {
                static Bhsd<float> Attend(
                    [Shape("B, 4, S, 64")] Bhsd<float> q,
                    [Shape("B, 4, S, 64")] Bhsd<float> k,
                    [Shape("B, 4, S, 64")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
            """
        },
        {
            "generic container", """
            public static partial class Outer<T>
            {
                [AttentionKernel]
                public static partial class Inner
                {
                    static Bhsd<float> Attend(
                        [Shape("B, 4, S, 64")] Bhsd<float> q,
                        [Shape("B, 4, S, 64")] Bhsd<float> k,
                        [Shape("B, 4, S, 64")] Bhsd<float> v)
                        => Softmax(q.MatMul(k.T)).MatMul(v);
                }
            }
            """
        },
        {
            "capturing lambda", """
            [AttentionKernel]
            public static partial class Capturing
            {
                static int limit = 3;

                static Bhsd<float> Attend(
                    [Shape("B, 4, S, 64")] Bhsd<float> q,
                    [Shape("B, 4, S, 64")] Bhsd<float> k,
                    [Shape("B, 4, S, 64")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => j < limit)).MatMul(v);
            }
            """
        },
        {
            "does not bind", """
            [AttentionKernel]
            public static partial class Broken
            {
                static Bhsd<float> Attend(
                    [Shape("B, 4, S, 64")] Bhsd<float> q,
                    [Shape("B, 4, S, 64")] Bhsd<float> k,
                    [Shape("B, 4, S, 64")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T) + NoSuchMask()).MatMul(v);
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(NotEmitted))]
    public async Task KernelThatCannotBeEmittedProducesNoImplementationAndNoCrash(string what, string source)
    {
        var run = await GeneratorHarness.RunAsync(source);

        Assert.Null(run.Generator.Exception);

        // Nothing is implemented. A kernel whose type can take a generated part gets entry points that only throw the
        // first error (so callers compile and the build shows that one error); the others get nothing at all.
        foreach (var stub in run.Sources.Select(s => s.SourceText.ToString()))
        {
            Assert.DoesNotContain("file static class", stub, System.StringComparison.Ordinal);
            Assert.Contains("throw new global::System.InvalidOperationException(\"TDSL", stub, System.StringComparison.Ordinal);
        }

        Assert.Equal(what == "contraction mismatch" ? 1 : 0, run.Sources.Length);
        // The analyzers explain why; the generator reports only its own failures (TDSL9999), and there are none.
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "TDSL9999" || d.Id.StartsWith("CS8785", System.StringComparison.Ordinal));
        Assert.Empty(run.GeneratorDiagnostics);
    }

    /// <summary>
    /// The stub of a kernel whose shapes disagree (docs/design.md, "Broken kernels"): the exact entry points, each
    /// throwing the first error, no implementation; it compiles without a warning.
    /// </summary>
    /// <summary>The baseline of <see cref="RefusedKernelStubMatchesBaseline"/> (not a kernel of <see cref="Kernels"/>).</summary>
    public const string StubBaseline = "PagedMismatchStub";

    [Fact]
    public async Task RefusedKernelStubMatchesBaseline()
    {
        var run = await GeneratorHarness.RunAsync("""
            [AttentionKernel]
            public static partial class PagedMismatch
            {
                const int Hq = 8, Hkv = 2, BlockSize = 16;

                static Tokens<Half> Attend(
                    [Shape("T, Hq, 128")] Tokens<Half> q,
                    [Shape("N, BlockSize, Hkv, 96")] Pages<Half> k,
                    [Shape("N, BlockSize, Hkv, 128")] Pages<Half> v)
                    => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
            }
            """);
        var generated = Assert.Single(run.Sources);
        BaselineAssert.Matches(StubBaseline, generated.SourceText.ToString());
        Assert.DoesNotContain(run.CompilationProblems(), d => d.Location.SourceTree == generated.SyntaxTree);
    }

    [Fact]
    public async Task ValidKernelBesideUnemittableOnesIsStillEmitted()
    {
        // Guards the test above against passing vacuously: the same harness does emit for a valid kernel.
        var run = await GeneratorHarness.RunAsync(LlamaGqa, (string)NotEmitted.First(row => (string)row[0] == "contraction mismatch")[1]);

        var generated = Assert.Single(run.Sources, s => s.SourceText.ToString().Contains("file static class", System.StringComparison.Ordinal));
        Assert.EndsWith("LlamaGqa.TensorDsl.g.cs", GeneratorRun.Readable(generated.HintName));
        Assert.Null(run.Generator.Exception);
    }

    public static TheoryData<string, string> MoreKernels => new()
    {
        {
            "paged", """
            [AttentionKernel]
            public static partial class PagedGqa
            {
                const int Hq = 32, Hkv = 8, D = 128, BlockSize = 16;

                static Tokens<float> Attend(
                    [Shape("T, Hq, D")] Tokens<float> q,
                    [Shape("N, BlockSize, Hkv, D")] Pages<float> k,
                    [Shape("N, BlockSize, Hkv, D")] Pages<float> v)
                    => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
            }
            """
        },
        {
            "varlen", """
            [AttentionKernel]
            public static partial class Varlen
            {
                static Tokens<Half> Attend(
                    [Shape("T, 8, 64")] Tokens<Half> q,
                    [Shape("T, 2, 64")] Tokens<Half> k,
                    [Shape("T, 2, 64")] Tokens<Half> v)
                    => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
            }
            """
        },
        {
            // K/V with their own token axis (Tk = Σ seq_lens, not T): the size is read from batch.TotalKvTokens, a long.
            "varlen with its own key-token axis", """
            [AttentionKernel]
            public static partial class VarlenTk
            {
                const int Hq = 8, Hkv = 2, D = 64;

                static Tokens<float> Attend(
                    [Shape("T, Hq, D")] Tokens<float> q,
                    [Shape("Tk, Hkv, D")] Tokens<float> k,
                    [Shape("Tk, Hkv, D")] Tokens<float> v)
                    => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
            }
            """
        },
        {
            // The loop nest must read the declaration's own parameter names, not q/k/v.
            "query, key, value", """
            [AttentionKernel]
            public static partial class Named
            {
                static Bshd<float> Attend(
                    [Shape("B, S, 8, 64")] Bshd<float> query,
                    [Shape("B, S, 2, 64")] Bshd<float> key,
                    [Shape("B, S, 2, 64")] Bshd<float> value)
                    => Softmax(query.MatMul(key.T) + Causal()).MatMul(value);
            }
            """
        },
        {
            "cpu and spyre, full bias, predicate, named axis", """
            [AttentionKernel(Targets.Cpu | Targets.Spyre)]
            public static partial class Both
            {
                static Bhsd<float> Attend(
                    [Shape("B, 4, S, 64")] Bhsd<float> q,
                    [Shape("B, 4, S, 64")] Bhsd<float> k,
                    [Shape("B, 4, S, 64")] Bhsd<float> v,
                    [Shape("B, 4, S, S")] Bias<float> bias)
                    => Softmax(q.MatMul(k.T) * 0.5f + bias + Mask((b, h, i, j) => i >= j), axis: -1).MatMul(v);
            }
            """
        },
        {
            "spyre only (reference entry point alone)", """
            [AttentionKernel(Targets.Spyre)]
            public static partial class SpyreOnly
            {
                static Bhsd<Half> Attend(
                    [Shape("B, 4, S, 64")] Bhsd<Half> q,
                    [Shape("B, 4, S, 64")] Bhsd<Half> k,
                    [Shape("B, 4, S, 64")] Bhsd<Half> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
            """
        },
        {
            "product dimension, block body, softcap then window both sides", """
            [AttentionKernel]
            public static partial class Product
            {
                const int G = 4, Hkv = 2;

                static Bhsd<float> Attend(
                    [Shape("B, G*Hkv, Sq, D")] Bhsd<float> q,
                    [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
                    [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
                {
                    return Softmax(Softcap(q.MatMul(k.T), 30f) + SlidingWindow(left: 64, right: 16) + Causal()).MatMul(v);
                }
            }
            """
        },
        {
            // The K/V type differs from the query's in every layout pairing; a bias of a third type still reads as itself.
            "dense Half queries over float K/V with a BFloat16 bias, Bshd output", """
            [AttentionKernel]
            public static partial class DenseMixedKv
            {
                [return: Shape("B, Sq, 8, 64")]
                static Bshd<Half> Attend(
                    [Shape("B, 8, Sq, 64")] Bhsd<Half> q,
                    [Shape("B, 2, Sk, 64")] Bhsd<float> k,
                    [Shape("B, 2, Sk, 64")] Bhsd<float> v,
                    [Shape("B, 1, Sq, Sk")] Bias<BFloat16> bias)
                    => Softmax(q.MatMul(k.T) + bias + Causal()).MatMul(v);
            }
            """
        },
        {
            "varlen BFloat16 queries over Half K/V with their own token axis", """
            [AttentionKernel]
            public static partial class VarlenMixedKv
            {
                static Tokens<BFloat16> Attend(
                    [Shape("T, Hq, D")] Tokens<BFloat16> q,
                    [Shape("Tk, Hkv, D")] Tokens<Half> k,
                    [Shape("Tk, Hkv, D")] Tokens<Half> v)
                    => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(MoreKernels))]
    public async Task MoreKernelsCompileCleanly(string what, string source)
    {
        _ = what;
        var run = await GeneratorHarness.RunAsync(source);

        Assert.Null(run.Generator.Exception);
        Assert.Single(run.Sources);
        var problems = run.CompilationProblems();
        Assert.True(problems.IsEmpty, "The output compilation has problems:\n" + string.Join("\n", problems.Select(Describe)));
    }

    /// <summary>
    /// The file-local kernel's locals carry a reserved prefix and user names are emitted verbatim (<c>@name</c>), so
    /// tensors and sizes may be named like the kernel's loop variables or like C# keywords.
    /// </summary>
    [Theory]
    [InlineData("""
        [AttentionKernel]
        public static partial class LowerCaseDims
        {
            static Bhsd<float> Attend(
                [Shape("b, h, s, d")] Bhsd<float> q,
                [Shape("b, h, s, d")] Bhsd<float> k,
                [Shape("b, h, s, d")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T)).MatMul(v);
        }
        """)]
    [InlineData("""
        [AttentionKernel]
        public static partial class LocalNames
        {
            static Bhsd<float> Attend(
                [Shape("B, 4, S, 64")] Bhsd<float> x,
                [Shape("B, 4, S, 64")] Bhsd<float> s,
                [Shape("B, 4, S, 64")] Bhsd<float> acc)
                => Softmax(x.MatMul(s.T)).MatMul(acc);
        }
        """)]
    [InlineData("""
        [AttentionKernel]
        public static partial class KeywordDims
        {
            static Bhsd<float> Attend(
                [Shape("event, 4, int, 64")] Bhsd<float> @class,
                [Shape("event, 4, int, 64")] Bhsd<float> k,
                [Shape("event, 4, int, 64")] Bhsd<float> v)
                => Softmax(@class.MatMul(k.T)).MatMul(v);
        }
        """)]
    public async Task UserNamesDoNotCollideWithGeneratedNames(string source)
    {
        var run = await GeneratorHarness.RunAsync(source);

        Assert.Single(run.Sources);
        var problems = run.CompilationProblems();
        Assert.True(problems.IsEmpty, "The output compilation has problems:\n" + string.Join("\n", problems.Select(Describe)));
    }

    /// <summary><c>output</c> and <c>lse</c> are the generated methods' own parameters: such a kernel is an error, not broken code.</summary>
    [Theory]
    [InlineData("[Shape(\"B, 4, S, 64\")] Bhsd<float> output", "Softmax(q.MatMul(k.T)).MatMul(output)")]
    [InlineData("[Shape(\"B, 4, S, 64\")] Bhsd<float> lse", "Softmax(q.MatMul(k.T)).MatMul(lse)")]
    [InlineData("[Shape(\"B, 4, k, 64\")] Bhsd<float> v", "Softmax(q.MatMul(k.T)).MatMul(v)")]
    public async Task ReservedOrCollidingNamesEmitNothing(string valueParameter, string expression)
    {
        var run = await GeneratorHarness.RunAsync($$"""
            [AttentionKernel]
            public static partial class Reserved
            {
                static Bhsd<float> Attend(
                    [Shape("B, 4, S, 64")] Bhsd<float> q,
                    [Shape("B, 4, S, 64")] Bhsd<float> k,
                    {{valueParameter}})
                    => {{expression}};
            }
            """);

        Assert.Null(run.Generator.Exception);
        Assert.Empty(run.Sources);
    }

    private static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var line = diagnostic.Location.SourceTree?.GetText().Lines[span.StartLinePosition.Line].ToString().Trim();
        return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {diagnostic.Severity} {diagnostic.Id}: {diagnostic.GetMessage()}\n    {line}";
    }
}
