using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using TensorDsl.FrontEnd.Lowering;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Parsing;
using TensorDsl.FrontEnd.Plan;
using TensorDsl.FrontEnd.Solver;
using TensorDsl.FrontEnd.Spyre;
using TensorDsl.Generators.Emit;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.FrontEnd;

/// <summary>
/// Targets as plug-ins (docs/design.md, "Adding a target"): the parser keeps the attribute's named arguments without
/// knowing them, each target reads its own and adds its plan extension; and every parameter list of the generated
/// file is a view of one <see cref="EntrySignature"/>. Expected orders and values are written out here.
/// </summary>
public class TargetPlugInTests
{
    private const string Paged = """
        using System;
        using TensorDsl;
        using static TensorDsl.Dsl;

        [AttentionKernel(TARGETS)]
        public static partial class Paged
        {
            const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

            static Tokens<Half> Attend(
                [Shape("T, Hq, D")] Tokens<Half> q,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
                [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
                => Softmax(q.MatMul(k.T) * 0.125f + Causal()).MatMul(v);
        }
        """;

    private const string Dense = """
        using TensorDsl;
        using static TensorDsl.Dsl;

        [AttentionKernel]
        public static partial class Dense
        {
            static Bhsd<float> Attend(
                [Shape("B, H, Sq, D")] Bhsd<float> query,
                [Shape("B, H, Sk, D")] Bhsd<float> key,
                [Shape("B, H, Sk, D")] Bhsd<float> value)
                => Softmax(query.MatMul(key.T)).MatMul(value);
        }
        """;

    [Fact]
    public async Task TheParserKeepsNamedArgumentsAndTheSpyreTargetReadsThem()
    {
        var plan = await PlanAsync(Paged.Replace("TARGETS", "Targets.Cpu | Targets.Spyre, SpyreKvBucket = 128, SpyreMaxNumSeqs = 4"), "Paged");

        var spyre = plan.For<SpyreLowering>();
        Assert.NotNull(spyre);
        Assert.Equal(128, spyre!.Settings.KvBucket);
        Assert.Equal(32, spyre.Settings.QueryPadding); // not written: the attribute's default
        Assert.Equal(4, spyre.Settings.MaxNumSeqs);
        Assert.Equal(0.125f, spyre.Scale);
        Assert.Empty(spyre.Unsupported);
        Assert.Equal(SourceSpan.None, spyre.Settings.KvBucketAt); // the plan keeps no source offsets
    }

    [Fact]
    public async Task ATargetThatIsNotRequestedAddsNothingToThePlan()
    {
        var plan = await PlanAsync(Paged.Replace("TARGETS", "Targets.Cpu, SpyreKvBucket = 128"), "Paged");
        Assert.Null(plan.For<SpyreLowering>());
        Assert.Empty(plan.TargetPlans);
        Assert.Equal(TensorDsl.FrontEnd.Model.Targets.Cpu, TargetRegistry.Lowerable(plan));
    }

    [Fact]
    public async Task EveryParameterListIsAViewOfOneSignature()
    {
        var plan = await PlanAsync(Dense, "Dense");
        var signature = EntrySignature.Of(plan);

        Assert.Equal(
            new[] { "@query", "@key", "@value", "output", "@B", "@H", "@Sq", "@D", "@Sk", "lse", "heads" },
            signature.EntryParameters(EntryForm.Spans).Select(LastWord)); // sizes in order of first appearance
        Assert.Equal(
            new[] { "@query", "@key", "@value", "output", "lse", "heads" },
            signature.EntryParameters(EntryForm.TensorSpans).Select(LastWord));
        Assert.Equal(
            new[] { "q", "k", "v", "output", "lse", "heads", "size0", "size1", "size2", "size3", "size4" },
            signature.ImplementationParameters().Select(LastWord));
        // User names are written verbatim (@name), so a tensor called `class` or `int` still compiles.
        Assert.Equal("@query, @key, @value, output, lse, heads, @B, @H, @Sq, @D, @Sk", signature.Arguments());
        Assert.Equal("q, k, v, output, lse, size0, size1, size2, size3, size4", signature.ValidateArguments());
        Assert.Contains("global::System.Span<float> lse = default", signature.EntryParameters(EntryForm.Spans));
        Assert.Contains("global::System.Numerics.Tensors.TensorSpan<float> lse = default", signature.EntryParameters(EntryForm.TensorSpans));
    }

    [Fact]
    public async Task TheStackedFormTakesOneCacheAndItsLayoutInPlaceOfKAndV()
    {
        var plan = await PlanAsync(Paged.Replace("TARGETS", "Targets.Cpu"), "Paged");
        var stacked = EntrySignature.Of(plan, stacked: true);

        Assert.Equal(new[] { "@q", "kvCache", "layout", "output", "batch", "lse", "heads" }, stacked.EntryParameters(EntryForm.Spans).Select(LastWord));
        // Validate also takes the sizes the batch and the cache give (T and N), which Run derives itself.
        Assert.Equal("q, kvCache, layout, output, lse, batch, size0, size1", stacked.ValidateArguments());
        Assert.Equal("@q, kvCache, layout, output, lse, batch, heads", stacked.Arguments());
        Assert.Equal("newKeys, newValues, kvCache, layout, batch", stacked.CacheWriteArguments());
    }

    private static string LastWord(string parameter) => parameter.Split(" = ")[0].Split(' ').Last();

    private static async Task<KernelPlan> PlanAsync(string source, string kernel)
    {
        var compilation = await GeneratorHarness.CompileAsync(source);
        var type = compilation.GetTypeByMetadataName(kernel)!;
        var parsed = KernelParser.Parse(type, compilation, CancellationToken.None);
        Assert.Empty(parsed.Diagnostics);
        var solved = ShapeSolver.Solve(parsed.Model!);
        return TargetRegistry.Plan(new CheckedKernel(parsed.Model!, solved.Checks));
    }
}
