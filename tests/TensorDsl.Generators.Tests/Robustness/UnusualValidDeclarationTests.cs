using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TensorDsl.Generators.Tests.Robustness;

/// <summary>
/// Declarations that are inside the grammar but unusual in their spelling. The analyzer must accept them and the
/// generator's output must compile: a kernel the analyzer accepts never turns into a build error in generated code.
/// </summary>
public class UnusualValidDeclarationTests
{
    private const string Qkv = """
        [Shape("B, 8, Sq, 64")] Bhsd<float> q, [Shape("B, 8, Sk, 64")] Bhsd<float> k, [Shape("B, 8, Sk, 64")] Bhsd<float> v
        """;

    private static string Kernel(string body, string parameters = Qkv) =>
        BrokenDeclarations.Usings + "[AttentionKernel]\npublic static partial class Unusual\n{\n    static Bhsd<float> Attend(" + parameters + ")\n        => " + body + ";\n}\n";

    public static readonly IReadOnlyDictionary<string, string> Declarations = new SortedDictionary<string, string>
    {
        ["DiscardLambdaParameters"] = Kernel("Softmax(ScoreMod(q.MatMul(k.T), (_, _, _, _, s) => s * 0.5f) + Mask((_, _, i, j) => i >= j)).MatMul(v)"),
        ["LambdaParameterNamedUnderscore"] = Kernel("Softmax(q.MatMul(k.T) + Mask((_, h, i, j) => _ >= 0 && i >= j)).MatMul(v)"),
        ["NamedArgumentsReordered"] = Kernel("Softmax(axis: -1, scores: ScoreMod(modifier: (b, h, i, j, s) => s, scores: Softcap(cap: 20f, scores: q.MatMul(k.T))) + SlidingWindow(right: 1, left: 8)).MatMul(values: v)"),
        ["LambdaWithExplicitTypesAndStatic"] = Kernel("Softmax(q.MatMul(k.T) + Mask(static (int b, int h, int i, int j) => (i - j) % 3 != 1)).MatMul(v)"),
        ["LambdaParametersNamedLikeKernelParameters"] = Kernel("Softmax(q.MatMul(k.T) + Mask((q, k, v, output) => v >= output)).MatMul(v)"),
        ["ExtremeButFiniteConstants"] = Kernel("Softmax(Softcap(q.MatMul(k.T) * 1e-30f, float.MaxValue)).MatMul(v)"),
        ["ParenthesesEverywhere"] = Kernel("((Softmax((((q.MatMul((k.T))) * (Rsqrt(64))) + (Causal())))).MatMul((v)))"),
        ["KernelInTheGlobalNamespaceNonStaticClass"] = BrokenDeclarations.Usings + "[AttentionKernel]\npartial class Plain\n{\n    static Bhsd<float> Attend(" + Qkv + ") => Softmax(q.MatMul(k.T)).MatMul(v);\n}\n",
        ["NestedInPartialStructAndClass"] = BrokenDeclarations.Usings + "namespace A.B;\npublic partial struct Outer\n{\n    public partial class Middle\n    {\n        [AttentionKernel]\n        internal static partial class Inner\n        {\n            static Bhsd<float> Attend(" + Qkv + ") => Softmax(q.MatMul(k.T)).MatMul(v);\n        }\n    }\n}\n",
        ["ShapeWithVerbatimStringAndProducts"] = Kernel("Softmax(q.MatMul(k.T)).MatMul(v)", "[Shape(@\"B, 2*4, Sq, 8*8\")] Bhsd<float> q, [Shape(\"B,8,Sk,64\")] Bhsd<float> k, [Shape(\"\"\"B, 8, Sk, 64\"\"\")] Bhsd<float> v"),
        ["KernelNamedDsl"] = BrokenDeclarations.Usings + "namespace N;\n[AttentionKernel]\npublic static partial class Dsl\n{\n    static Bhsd<float> Attend(" + Qkv + ") => TensorDsl.Dsl.Softmax(q.MatMul(k.T)).MatMul(v);\n}\n",
        ["LambdaParameterNamedLikeAKeyword"] = Kernel("Softmax(q.MatMul(k.T) + Mask((@int, h, i, j) => @int >= 0)).MatMul(v)"),
        ["DimNamedLikeAKeyword"] = Kernel("Softmax(q.MatMul(k.T)).MatMul(v)", "[Shape(\"B, 8, int, 64\")] Bhsd<float> q, [Shape(\"B, 8, Sk, 64\")] Bhsd<float> k, [Shape(\"B, 8, Sk, 64\")] Bhsd<float> v"),
        ["ParameterNamedBindings"] = Kernel("Softmax(bindings.MatMul(k.T)).MatMul(v)", "[Shape(\"B, 8, Sq, 64\")] Bhsd<float> bindings, [Shape(\"B, 8, Sk, 64\")] Bhsd<float> k, [Shape(\"B, 8, Sk, 64\")] Bhsd<float> v"),
        ["TensorsNamedLikeGeneratedLocals"] = Kernel("Softmax(s.MatMul(acc.T) + Mask((b, h, i, j) => i >= j)).MatMul(b)", "[Shape(\"B, 8, Sq, 64\")] Bhsd<float> s, [Shape(\"B, 8, Sk, 64\")] Bhsd<float> acc, [Shape(\"B, 8, Sk, 64\")] Bhsd<float> b"),
        ["TwoKernelsWithTheSameNameInTwoNamespaces"] = BrokenDeclarations.Usings + "namespace A { [AttentionKernel] public static partial class K { static Bhsd<float> Attend(" + Qkv + ") => Softmax(q.MatMul(k.T)).MatMul(v); } }\nnamespace B { [AttentionKernel] public static partial class K { static Bhsd<float> Attend(" + Qkv + ") => Softmax(q.MatMul(k.T)).MatMul(v); } }\n",
    };

    public static IEnumerable<object[]> Names => Declarations.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Names))]
    public Task AnalyzerAcceptsAndGeneratedCodeCompiles(string name) => Verify(Declarations[name]);

    private static async Task Verify(string source)
    {
        var compilation = await BrokenDeclarationTests.Compile(source);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var analyzed = compilation.WithAnalyzers(
            System.Collections.Immutable.ImmutableArray.Create<DiagnosticAnalyzer>(new TensorDsl.Analyzers.AttentionKernelAnalyzer()));
        var analyzerDiagnostics = await analyzed.GetAnalyzerDiagnosticsAsync();
        Assert.Empty(analyzerDiagnostics);

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new AttentionKernelGenerator().AsSourceGenerator() }, parseOptions: BrokenDeclarationTests.ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        var result = driver.GetRunResult().Results.Single();

        Assert.Null(result.Exception);
        Assert.Empty(driverDiagnostics);
        Assert.Equal(KernelCount(source), result.GeneratedSources.Length);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + string.Join("\n", result.GeneratedSources.Select(g => g.SourceText)));
    }

    private static int KernelCount(string source) => source.Split("[AttentionKernel]").Length - 1;
}
