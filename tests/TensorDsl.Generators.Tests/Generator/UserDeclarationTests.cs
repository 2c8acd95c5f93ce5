using System.Linq;
using System.Threading.Tasks;
using TensorDsl.Generators.Tests.Infrastructure;
using static TensorDsl.Generators.Tests.Analyzers.KernelAnalyzerTest;

namespace TensorDsl.Generators.Tests.Generator;

/// <summary>
/// Declarations written the way users write them, each once a defect class: generated code that did not compile (or
/// warned), a generator crash, or a silent change of meaning. Every one must now either compile with no warning under
/// nullable and every warning wave (what TreatWarningsAsErrors builds see), or get a diagnostic at its place.
/// </summary>
public sealed class UserDeclarationTests
{
    private const string Body = """
            static Bhsd<float> Attend(
                [Shape("B, 4, S, 64")] Bhsd<float> q,
                [Shape("B, 4, S, 64")] Bhsd<float> k,
                [Shape("B, 4, S, 64")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);
        """;

    public static TheoryData<string, string[], int> CleanDeclarations => new()
    {
        { "names that differ only by case", new[] { $"[AttentionKernel] public static partial class Attn {{ {Body} }}", $"[AttentionKernel] public static partial class ATTN {{ {Body} }}" }, 2 },
        { "the same kernel name nested in two types of one namespace", new[] { $"namespace A {{ public static partial class X {{ [AttentionKernel] public static partial class K {{ {Body} }} }} }}", $"namespace A {{ public static partial class Y {{ [AttentionKernel] public static partial class K {{ {Body} }} }} }}" }, 2 },
        { "verbatim identifiers", new[] { """
            [AttentionKernel]
            public static partial class @class
            {
                static Bshd<float> @return(
                    [Shape("B, S, 4, 64")] Bshd<float> @int,
                    [Shape("B, S, 4, 64")] Bshd<float> @string,
                    [Shape("B, S, 4, 64")] Bshd<float> @object)
                    => Softmax(@int.MatMul(@string.T)).MatMul(@object);
            }
            """ }, 1 },
        { "user names equal to every name the generated code uses", new[] { """
            namespace System.Runtime { public static partial class Holder { } }
            [AttentionKernel]
            public static partial class Spec
            {
                static Tokens<float> Attend(
                    [Shape("size0, inputs, global")] Tokens<float> problem,
                    [Shape("N, 16, range, global")] Pages<float> q,
                    [Shape("N, 16, range, global")] Pages<float> k,
                    [Shape("inputs")] PerHead<float> v)
                    => Softmax(problem.MatMul(q.T) + Causal(), v).MatMul(k);
            }
            """ }, 1 },
        { "a head size near int.MaxValue", new[] { """
            [AttentionKernel]
            public static partial class Huge
            {
                const int D = int.MaxValue - 1;
                static Bhsd<float> Attend(
                    [Shape("B, 4, S, D")] Bhsd<float> q,
                    [Shape("B, 4, S, D")] Bhsd<float> k,
                    [Shape("B, 4, S, D")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
            """ }, 1 },
        { "nullable-annotated parameters", new[] { """
            [AttentionKernel]
            public static partial class Nullable
            {
                static Bhsd<float>? Attend(
                    [Shape("B, 4, S, 64")] Bhsd<float>? q,
                    [Shape("B, 4, S, 64")] Bhsd<float>? k,
                    [Shape("B, 4, S, 64")] Bhsd<float>? v,
                    [Shape("4")] PerHead<float>? sinks)
                    => Softmax(q!.MatMul(k!.T), sinks!).MatMul(v!);
            }
            """ }, 1 },
        { "a kernel nested in a partial interface", new[] { $"public partial interface IModel {{ [AttentionKernel] public static partial class Attention {{ {Body} }} }}" }, 1 },
        { "an enum argument in a score lambda", new[] { """
            [AttentionKernel]
            public static partial class Rounded
            {
                static Bhsd<float> Attend(
                    [Shape("B, 4, S, 64")] Bhsd<float> q,
                    [Shape("B, 4, S, 64")] Bhsd<float> k,
                    [Shape("B, 4, S, 64")] Bhsd<float> v)
                    => Softmax(ScoreMod(q.MatMul(k.T), (b, h, i, j, s) => MathF.Round(s, MidpointRounding.ToZero))).MatMul(v);
            }
            """ }, 1 },
    };

    [Theory]
    [MemberData(nameof(CleanDeclarations))]
    public async Task CompilesWithoutWarnings(string what, string[] sources, int files)
    {
        _ = what;
        var run = await GeneratorHarness.RunAsync(sources);

        Assert.Null(run.Generator.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(files, run.Sources.Length);
        var problems = run.CompilationProblems();
        Assert.True(problems.IsEmpty, "The output compilation has problems:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task AnEnumArgumentKeepsItsOverload()
    {
        var source = ((string[])CleanDeclarations.First(row => (string)row[0] == "an enum argument in a score lambda")[1])[0];
        var run = await GeneratorHarness.RunAsync(source);

        // Printed as MathF.Round(float, MidpointRounding), never as Round(float, int) with the enum's value.
        // (The statement is longer than a generated line may be, so it is read back joined.)
        var text = string.Join(" ", run.Source("Rounded.TensorDsl.g.cs").Split('\n').Select(l => l.Trim()));
        // Inside the implementation's namespace, System is imported (ImportedNames).
        Assert.Contains("score = MathF.Round((float)(score), (MidpointRounding)(((MidpointRounding)((2)))));", text, System.StringComparison.Ordinal);
    }

    [Fact]
    public Task FileLocalKernelTypeIsReported() => VerifyAsync($$"""
        [AttentionKernel]
        file static partial class {|#0:Local|}
        {
        {{Body}}
        }
        """,
        Error("TDSL0019", 0, "The attention kernel type 'Local' is file-local ('file'), so the generated part, another file, cannot join it; a kernel type is a partial class (not a record), generic neither itself nor through a type around it, that leaves the names of the generated members (Run, Reference, WriteCache, SpyreSpec, …) to the generator"));

    [Fact]
    public Task OwnMemberNamedLikeAGeneratedOneIsReported() => VerifyAsync($$"""
        [AttentionKernel]
        public static partial class Gqa
        {
            public static void {|#0:Run|}() { }
        {{Body}}
        }
        """,
        Error("TDSL0019", 0, "The attention kernel type 'Gqa' is declaring its own member 'Run', a name the generator adds to the kernel type; a kernel type is a partial class (not a record), generic neither itself nor through a type around it, that leaves the names of the generated members (Run, Reference, WriteCache, SpyreSpec, …) to the generator"));
}
