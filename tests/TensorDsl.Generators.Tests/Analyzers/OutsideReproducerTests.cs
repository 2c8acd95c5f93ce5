using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using TensorDsl.CodeFixes;
using TensorDsl.Generators.Tests.Infrastructure;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// The defects an outside test found in the front end (issue 13), one reproducer each, compiled as a build compiles
/// (<see cref="BuildLike"/>: generator, compiler and analyzers together). Each fix covers its class of defect, and the
/// test names the class.
/// </summary>
public class OutsideReproducerTests
{
    private const string Qkv = """
        [Shape("B, 8, Sq, 64")] Bhsd<float> q,
        [Shape("B, 8, Sk, 64")] Bhsd<float> k,
        [Shape("B, 8, Sk, 64")] Bhsd<float> v
        """;

    private const string SpyreKernel = """
        [AttentionKernel(Targets.Cpu | Targets.Spyre)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;
            MEMBER
            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """;

    /// <summary>Every name the generator gives a member is reserved, the Spyre ones included (one list).</summary>
    [Theory]
    [InlineData("public const string SpyreProgram = \"x\";", "SpyreProgram")]
    [InlineData("public static int SpyreSpec => 1;", "SpyreSpec")]
    [InlineData("public static void SpyreUnpack() { }", "SpyreUnpack")]
    [InlineData("public static void WriteCache() { }", "WriteCache")]
    public async Task UserMemberNamedLikeAGeneratedMemberIsTdsl0019(string member, string name)
    {
        var build = await BuildLike.CompileAsync(TestReferences.Usings + SpyreKernel.Replace("MEMBER", member, StringComparison.Ordinal));
        var only = Assert.Single(build.Reported);
        Assert.Equal("TDSL0019", only.Id);
        Assert.Contains($"declaring its own member '{name}', a name the generator adds to the kernel type", only.GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>The reserved list and what the generator emits are the same set: nothing generated goes unreserved.</summary>
    [Fact]
    public async Task EveryGeneratedMemberNameIsReserved()
    {
        var emitted = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        foreach (var source in Generator.BaselineTests.Kernels.Select(row => (string)row[1]))
        {
            var run = await GeneratorHarness.RunAsync(source);
            foreach (var tree in run.Generator.GeneratedSources.Select(s => s.SyntaxTree))
            {
                var model = run.OutputCompilation.GetSemanticModel(tree);
                var declarations = tree.GetRoot().DescendantNodes()
                    .Where(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax
                        || (n is Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax && n is not Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax));
                foreach (var declaration in declarations)
                {
                    if (model.GetDeclaredSymbol(declaration) is { } symbol and (IFieldSymbol or IPropertySymbol or IMethodSymbol or IEventSymbol)
                        && symbol.ContainingType?.GetAttributes().Any(a => a.AttributeClass?.Name == "AttentionKernelAttribute") == true)
                    {
                        emitted.Add(symbol.Name);
                    }
                }
            }
        }

        var reserved = TensorDsl.FrontEnd.Model.GeneratedNames.Members;
        Assert.Equal(reserved.OrderBy(n => n, StringComparer.Ordinal), emitted.OrderBy(n => n, StringComparer.Ordinal));
    }

    /// <summary>A constant that makes every output NaN (infinite or NaN scale or softcap, Rsqrt of 0) is TDSL0026.</summary>
    [Theory]
    [InlineData("Softcap(q.MatMul(k.T), float.PositiveInfinity)", "float.PositiveInfinity", "The softcap must be a finite compile-time constant > 0, but 'float.PositiveInfinity' is +∞ (as a float)")]
    [InlineData("q.MatMul(k.T) * float.NaN", "float.NaN", "The scale must be a finite compile-time constant, but 'float.NaN' is NaN")]
    [InlineData("q.MatMul(k.T) * Rsqrt(Zero)", "Rsqrt(Zero)", "The scale must be a finite compile-time constant, but 'Rsqrt(Zero)' is +∞ (as a float)")]
    [InlineData("q.MatMul(k.T) * (float)1e300", "(float)1e300", "The scale must be a finite compile-time constant, but '(float)1e300' is +∞ (as a float)")]
    public async Task NonFiniteConstantIsTdsl0026(string scores, string argument, string message)
    {
        var build = await BuildLike.CompileAsync(TestReferences.Usings + $$"""
            [AttentionKernel]
            public static partial class Gqa
            {
                const int Zero = 0;

                static Bhsd<float> Attend({{Qkv}}) => Softmax({{scores}}).MatMul(v);
            }
            """);
        var only = Assert.Single(build.Reported);
        Assert.Equal("TDSL0026", only.Id);
        Assert.Equal(message, only.GetMessage());
        Assert.Equal(argument, only.Location.SourceTree!.GetText().ToString(only.Location.SourceSpan));
    }

    /// <summary>
    /// Attributes on the expression method that bind its callers do not reach into generated code: the generated
    /// Reference calls the method, and the build stays clean (and nothing is passed on to the callers of Run).
    /// </summary>
    [Theory]
    [InlineData("[Obsolete(\"x\", true)]")]
    [InlineData("[Obsolete]")]
    [InlineData("[Obsolete(\"use Run\")]")]
    [InlineData("[System.Diagnostics.CodeAnalysis.Experimental(\"TDX001\")]")]
    [InlineData("[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(\"reflection\")] [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(\"emit\")]")]
    public async Task ExpressionMethodAttributesDoNotLeakIntoGeneratedCode(string attributes)
    {
        var build = await BuildLike.CompileAsync(TestReferences.Usings + $$"""
            [AttentionKernel]
            public static partial class Gqa
            {
                {{attributes}}
                static Bhsd<float> Attend({{Qkv}}) => Softmax(q.MatMul(k.T)).MatMul(v);
            }

            public static class Caller
            {
                public static void Call(float[] q, float[] k, float[] v, float[] output)
                {
                    Gqa.Run(q, k, v, output, 1, 2, 3);
                    Gqa.Reference(q, k, v, output, 1, 2, 3);
                }
            }
            """);
        Assert.True(build.Reported.IsEmpty, build.Describe());
        Assert.Single(build.GeneratedTrees);
    }

    /// <summary>A kernel's hint name (and so its path under obj/) is bounded however long its name is.</summary>
    [Fact]
    public async Task LongKernelNamesGiveBoundedHintNames()
    {
        var name = "K" + new string('x', 305);
        var run = await GeneratorHarness.RunAsync($$"""
            namespace {{new string('N', 200)}}.Inner;

            [AttentionKernel]
            public static partial class {{name}}
            {
                static Bhsd<float> Attend({{Qkv}}) => Softmax(q.MatMul(k.T)).MatMul(v);
            }
            """);
        var hint = Assert.Single(run.Sources).HintName;
        Assert.True(hint.Length <= 80 + ".12345678.TensorDsl.g.cs".Length, hint);
        Assert.Empty(run.CompilationProblems());
    }

    /// <summary>A kernel under #line hidden is analyzed and reported like any other (the IDE may hide the squiggle).</summary>
    [Fact]
    public async Task KernelUnderLineHiddenIsStillReported()
    {
        var build = await BuildLike.CompileAsync(TestReferences.Usings + """
            #line hidden
            [AttentionKernel]
            public static partial class Gqa
            {
                static Bhsd<float> Attend(
                    [Shape("B, 8, Sq, 64")] Bhsd<float> q,
                    [Shape("B, 8, Sk, 96")] Bhsd<float> k,
                    [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
            #line default
            """);
        Assert.Equal(new[] { "TDSL0007" }, build.Reported.Select(d => d.Id));
    }

    /// <summary>
    /// Varlen token axes: the query's token count (the batch's query tokens) and the keys' (Σ seq_lens) are different
    /// sizes, and k and v share one; a declaration that names them otherwise is refused when it is compiled, not when
    /// it first runs.
    /// </summary>
    [Theory]
    [InlineData("T", "T", "T", "TDSL0006", "Dimension T is bound to two sizes: 'q' has T = the batch's query token count but 'k' has T = Σ seq_lens (the keys' tokens)")]
    [InlineData("Tq", "Sq", "Sk", "TDSL0008", "The values do not match the keys: 'k' has T = Sq but 'v' has T = Sk")]
    public async Task VarlenTokenAxesAreCheckedAtCompileTime(string queryAxis, string keyAxis, string valueAxis, string id, string message)
    {
        var build = await BuildLike.CompileAsync(TestReferences.Usings + $$"""
            [AttentionKernel]
            public static partial class Varlen
            {
                static Tokens<float> Attend(
                    [Shape("{{queryAxis}}, 8, 64")] Tokens<float> q,
                    [Shape("{{keyAxis}}, 8, 64")] Tokens<float> k,
                    [Shape("{{valueAxis}}, 8, 64")] Tokens<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
            """);
        var only = Assert.Single(build.Reported);
        Assert.Equal(id, only.Id);
        Assert.Equal(message, only.GetMessage());
    }

    /// <summary>The TDSL0032 fix reads types semantically: qualified names and aliases are fixed, and Half is spelled so it binds.</summary>
    [Fact]
    public Task SpyreElementFixHandlesQualifiedNamesAndAliases() => AnalyzerVerifier.VerifyFixAsync<SpyreElementTypeCodeFixProvider>("""
        [AttentionKernel(Targets.Cpu | Targets.Spyre)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static TensorDsl.Tokens<float> Attend(
                [Shape({|TDSL0032:"T, Hq, D"|})] TensorDsl.Tokens<float> q,
                [Shape({|TDSL0032:"N, BlockSize, Hkv, D"|})] TensorDsl.Pages<TensorDsl.BFloat16> k,
                [Shape({|TDSL0032:"N, BlockSize, Hkv, D"|})] TensorDsl.Pages<TensorDsl.BFloat16> v)
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
    public Task SpyreElementFixWritesAHalfThatBindsWithoutUsingSystem() => AnalyzerVerifier.VerifyFixAsync<SpyreElementTypeCodeFixProvider>("""
        using TensorDsl;
        using static TensorDsl.Dsl;
        using KvPages = TensorDsl.Pages<float>;

        [AttentionKernel(Targets.Cpu | Targets.Spyre)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<float> Attend(
                [Shape({|TDSL0032:"T, Hq, D"|})] Tokens<float> q,
                [Shape({|TDSL0032:"N, BlockSize, Hkv, D"|})] KvPages k,
                [Shape({|TDSL0032:"N, BlockSize, Hkv, D"|})] KvPages v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """, """
        using TensorDsl;
        using static TensorDsl.Dsl;
        using KvPages = TensorDsl.Pages<float>;

        [AttentionKernel(Targets.Cpu | Targets.Spyre)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<System.Half> Attend(
                [Shape("T, Hq, D")] Tokens<System.Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<System.Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<System.Half> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        }
        """, usings: false);

    /// <summary>Messages name what is wrong: a kernel in a generic type is not itself generic, its container is.</summary>
    [Fact]
    public Task KernelInAGenericTypeNamesTheContainer() => VerifyAsync($$"""
        public static partial class Outer<T>
        {
            [AttentionKernel]
            public static partial class {|#0:K|}
            {
                static Bhsd<float> Attend({{Qkv}}) => Softmax(q.MatMul(k.T)).MatMul(v);
            }
        }
        """,
        Error("TDSL0019", 0, "The attention kernel type 'K' is nested in the generic type 'Outer<T>', so it is generic too; a kernel type is a partial class (not a record), generic neither itself nor through a type around it, that leaves the names of the generated members (Run, Reference, WriteCache, SpyreSpec, …) to the generator"));

    /// <summary>Any integral constant is a window size, as any integral constant is a shape dimension.</summary>
    [Fact]
    public async Task ByteWindowConstantIsAccepted()
    {
        var build = await BuildLike.CompileAsync(TestReferences.Usings + $$"""
            [AttentionKernel]
            public static partial class Local
            {
                const byte W = 16;

                static Bhsd<float> Attend({{Qkv}}) => Softmax(q.MatMul(k.T) + SlidingWindow(W)).MatMul(v);
            }
            """);
        Assert.True(build.Reported.IsEmpty, build.Describe());
    }

    /// <summary>A tensor named like a local of the generated tensor-span overload is TDSL0024, not a CS0136 in generated code.</summary>
    [Fact]
    public async Task TensorNamedLikeAGeneratedLocalIsTdsl0024()
    {
        var build = await BuildLike.CompileAsync(TestReferences.Usings + """
            [AttentionKernel]
            public static partial class Gqa
            {
                static Bhsd<float> Attend(
                    [Shape("B, 8, Sq, 64")] Bhsd<float> tensorSize0,
                    [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                    [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                    => Softmax(tensorSize0.MatMul(k.T)).MatMul(v);
            }
            """);
        var only = Assert.Single(build.Reported);
        Assert.Equal("TDSL0024", only.Id);
        Assert.True(build.InGeneratedCode.IsEmpty, build.Describe());
    }
}
