using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Generator;

/// <summary>
/// The generator's promise: the transform turns each kernel into an equatable model, so an edit that leaves a
/// kernel's model equal never re-runs its emit step, and an edit that changes the kernel always does.
/// </summary>
public class IncrementalityTests
{
    private const string SourceOutput = "SourceOutput";

    private static readonly IncrementalStepRunReason[] Reused = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    /// <summary>A kernel file with other code around the kernel, to edit.</summary>
    private const string KernelFile = """
        // Kernels of the model.
        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }

        [AttentionKernel]
        public static partial class Gqa
        {
            const int Hq = 32, Hkv = 8, D = 128;

            static int Helper() => 1;

            static Bhsd<float> Attend(
                [Shape("B, Hq, Sq, D")] Bhsd<float> q,
                [Shape("B, Hkv, Sk, D")] Bhsd<float> k,
                [Shape("B, Hkv, Sk, D")] Bhsd<float> v)
                => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
        }
        // end of file
        """;

    private const string SecondKernelFile = """
        namespace Other;

        [AttentionKernel]
        public static partial class Mha
        {
            const int D = 64;

            static Bshd<Half> Attend(
                [Shape("B, Sq, 16, D")] Bshd<Half> q,
                [Shape("B, Sk, 16, D")] Bshd<Half> k,
                [Shape("B, Sk, 16, D")] Bshd<Half> v)
                => Softmax(q.MatMul(k.T) + SlidingWindow(256)).MatMul(v);
        }
        """;

    public static TheoryData<string, string, string> UnrelatedEdits => new()
    {
        { "comment above the kernel", "// Kernels of the model.", "// Kernels of the model (a longer comment, so every offset below moves)." },
        { "comment below the kernel", "// end of file", "// the end of this file" },
        { "unrelated method in the same file", "public static int Twice(int x) => 2 * x;", "public static int Twice(int x) => x + x;\n    public static int Thrice(int x) => 3 * x;" },
        { "non-kernel member of the kernel class", "static int Helper() => 1;", "static int Helper() => 42;" },
        { "new member above the kernel method", "static int Helper() => 1;", "static int Helper() => 1;\n    static string Name => \"gqa\";" },
        { "line break inside the expression", " + Causal()", "\n            + Causal()" },
        { "shape attribute re-spaced onto its own line", "[Shape(\"B, Hkv, Sk, D\")] Bhsd<float> v)", "[Shape(\"B, Hkv, Sk, D\")]\n            Bhsd<float> v)" },
    };

    [Theory]
    [MemberData(nameof(UnrelatedEdits))]
    public async Task EditThatLeavesTheKernelAloneReusesModelAndOutput(string what, string find, string replace)
    {
        _ = what;
        var first = await GeneratorHarness.RunAsync(KernelFile);
        var second = first.Rerun(Edit(first.InputCompilation, "/src/File0.cs", find, replace));

        AssertReused(second, "Gqa");
        Assert.Equal(first.Source("Gqa.TensorDsl.g.cs"), second.Source("Gqa.TensorDsl.g.cs"));
    }

    [Fact]
    public async Task UnrelatedFileAddedReusesModelAndOutput()
    {
        var first = await GeneratorHarness.RunAsync(KernelFile);
        var second = first.Rerun(first.InputCompilation.AddSyntaxTrees(
            GeneratorHarness.Parse("public sealed class Tokenizer { public int Count(string s) => s.Length; }", "/src/Tokenizer.cs")));

        AssertReused(second, "Gqa");
        Assert.Equal(first.Source("Gqa.TensorDsl.g.cs"), second.Source("Gqa.TensorDsl.g.cs"));
    }

    public static TheoryData<string, string, string, string> KernelEdits => new()
    {
        { "head size constant", "D = 128;", "D = 64;", "ConstHeadDim => 64;" },
        { "mask", "+ Causal()", "+ SlidingWindow(128)", "left: 128" },
        { "scale", "* Rsqrt(D)", "* 0.5f", "score = (score * (0.5f));" },
        { "element type", "Bhsd<float>", "Bhsd<Half>", "global::System.Half" },
        { "parameter name", ".MatMul(v)", ".MatMul(values)", "values" },
        { "shape", "[Shape(\"B, Hq, Sq, D\")]", "[Shape(\"B, Hq, Sk, D\")]", "Dense(size0, 32, 8, size1, size1," },
        { "targets", "[AttentionKernel]", "[AttentionKernel(Targets.Spyre)]", "public static void Reference(" },
    };

    [Theory]
    [MemberData(nameof(KernelEdits))]
    public async Task EditOfTheKernelModifiesModelAndReemits(string what, string find, string replace, string expectedInOutput)
    {
        var first = await GeneratorHarness.RunAsync(KernelFile);
        var edited = Edit(first.InputCompilation, "/src/File0.cs", find, replace);
        if (what == "parameter name")
        {
            edited = Edit(edited, "/src/File0.cs", "Bhsd<float> v)", "Bhsd<float> values)");
        }

        var second = first.Rerun(edited);

        Assert.Contains(IncrementalStepRunReason.Modified, ModelReasons(second, "Gqa"));
        Assert.Contains(IncrementalStepRunReason.Modified, OutputReasons(second, "Gqa"));
        var before = first.Source("Gqa.TensorDsl.g.cs");
        var after = second.Source("Gqa.TensorDsl.g.cs");
        Assert.NotEqual(before, after);
        Assert.Contains(expectedInOutput, after);
        Assert.True(second.CompilationProblems().All(d => d.Id == "TDSL0015"), string.Join("\n", second.CompilationProblems()));
    }

    [Fact]
    public async Task ConstantUsedOnlyInsideALambdaIsPartOfTheModel()
    {
        const string source = """
            [AttentionKernel]
            public static partial class Banded
            {
                const int Band = 16;
                const float Bonus = 0.5f;

                static Bhsd<float> Attend(
                    [Shape("B, 4, S, 32")] Bhsd<float> q,
                    [Shape("B, 4, S, 32")] Bhsd<float> k,
                    [Shape("B, 4, S, 32")] Bhsd<float> v)
                    => Softmax(ScoreMod(q.MatMul(k.T), (b, h, i, j, s) => i == j ? s + Bonus : s)
                               + Mask((b, h, i, j) => Math.Abs(i - j) <= Band)).MatMul(v);
            }
            """;
        var first = await GeneratorHarness.RunAsync(source);
        Assert.Contains("<= (16)", first.Source("Banded.TensorDsl.g.cs"));

        var band = first.Rerun(Edit(first.InputCompilation, "/src/File0.cs", "Band = 16;", "Band = 8;"));
        Assert.Contains(IncrementalStepRunReason.Modified, ModelReasons(band, "Banded"));
        Assert.Contains(IncrementalStepRunReason.Modified, OutputReasons(band, "Banded"));
        Assert.Contains("<= (8)", band.Source("Banded.TensorDsl.g.cs"));
        Assert.DoesNotContain("<= (16)", band.Source("Banded.TensorDsl.g.cs"));

        var bonus = band.Rerun(Edit(band.InputCompilation, "/src/File0.cs", "Bonus = 0.5f;", "Bonus = 0.25f;"));
        Assert.Contains(IncrementalStepRunReason.Modified, ModelReasons(bonus, "Banded"));
        Assert.Contains("(0.25f)", bonus.Source("Banded.TensorDsl.g.cs"));
    }

    [Fact]
    public async Task EditingOneKernelLeavesTheOtherKernelsOutputCached()
    {
        var first = await GeneratorHarness.RunAsync(KernelFile, SecondKernelFile);
        Assert.Equal(2, first.Sources.Length);

        // Edit the first kernel: the second is reused.
        var second = first.Rerun(Edit(first.InputCompilation, "/src/File0.cs", "D = 128;", "D = 64;"));
        Assert.Contains(IncrementalStepRunReason.Modified, ModelReasons(second, "Gqa"));
        Assert.Contains(IncrementalStepRunReason.Modified, OutputReasons(second, "Gqa"));
        AssertReused(second, "Mha");
        Assert.Equal(first.Source("Other.Mha.TensorDsl.g.cs"), second.Source("Other.Mha.TensorDsl.g.cs"));
        Assert.NotEqual(first.Source("Gqa.TensorDsl.g.cs"), second.Source("Gqa.TensorDsl.g.cs"));

        // And the other way round.
        var third = second.Rerun(Edit(second.InputCompilation, "/src/File1.cs", "SlidingWindow(256)", "SlidingWindow(512)"));
        Assert.Contains(IncrementalStepRunReason.Modified, ModelReasons(third, "Mha"));
        Assert.Contains(IncrementalStepRunReason.Modified, OutputReasons(third, "Mha"));
        AssertReused(third, "Gqa");
        Assert.Equal(second.Source("Gqa.TensorDsl.g.cs"), third.Source("Gqa.TensorDsl.g.cs"));
    }

    [Fact]
    public async Task FixingAndBreakingAKernelAddsAndRemovesItsSource()
    {
        var broken = await GeneratorHarness.RunAsync(KernelFile.Replace("public static partial class Gqa", "public static class Gqa", StringComparison.Ordinal));
        Assert.Empty(broken.Sources);

        var fixedRun = broken.Rerun(Edit(broken.InputCompilation, "/src/File0.cs", "public static class Gqa", "public static partial class Gqa"));
        Assert.Single(fixedRun.Sources);
        Assert.Contains(IncrementalStepRunReason.Modified, ModelReasons(fixedRun, null).Concat(ModelReasons(fixedRun, "Gqa")));

        var brokenAgain = fixedRun.Rerun(Edit(fixedRun.InputCompilation, "/src/File0.cs", "Bhsd<float> v)", "Bhsd<float> v, Bhsd<float> unused)"));
        Assert.Empty(brokenAgain.Sources);
        Assert.Null(brokenAgain.Generator.Exception);
    }

    [Fact]
    public async Task SameDeclarationInTwoCompilationsGivesEqualModels()
    {
        var one = await GeneratorHarness.RunAsync(KernelFile, SecondKernelFile);
        var two = await GeneratorHarness.RunAsync("// another compilation\n" + KernelFile, SecondKernelFile);

        var a = ModelOutcomes(one).OrderBy(o => o.Model!.TypeName).ToList();
        var b = ModelOutcomes(two).OrderBy(o => o.Model!.TypeName).ToList();
        Assert.Equal(2, a.Count);
        Assert.Equal(a, b);
        Assert.Equal(a.Select(o => o.GetHashCode()), b.Select(o => o.GetHashCode()));
        Assert.False(ReferenceEquals(a[0], b[0]));
    }

    [Theory]
    [MemberData(nameof(BaselineTests.Kernels), MemberType = typeof(BaselineTests))]
    public async Task ModelHoldsNoRoslynObjects(string name, string source, string hintName)
    {
        _ = hintName;
        var run = await GeneratorHarness.RunAsync(source);
        var outcome = Assert.Single(ModelOutcomes(run));
        Assert.Null(outcome.Failure);
        Assert.NotNull(outcome.Model);

        var outcomeFields = InstanceFields(outcome.GetType()).Select(f => Pretty(f.Name)).OrderBy(n => n);
        Assert.Equal(new[] { "Failure", "Model", "Stub" }, outcomeFields);
        Assert.Null(outcome.Stub); // only a declaration with errors has one

        var leaves = PlainData.Check(outcome.Model, "Model");
        Assert.True(leaves > 20, $"{name}: only {leaves} values were checked; the walk does not reach into the model");
    }

    [Fact]
    public async Task PlainDataCheckRejectsRoslynObjectsAndMutableCollections()
    {
        var compilation = await GeneratorHarness.CompileAsync("class C { }");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlainData.Check(compilation, "Model.Compilation"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlainData.Check(compilation.GetTypeByMetadataName("C"), "Model.Symbol"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlainData.Check(compilation.SyntaxTrees[0].GetRoot(), "Model.Node"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlainData.Check(new[] { "a" }, "Model.Array"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PlainData.Check(new List<int>(), "Model.List"));
        Assert.Equal(1, PlainData.Check("text", "Model.Name"));
    }

    /// <summary>
    /// Walks a model's stored state (fields, so that private ones count too): every value must be a primitive, a
    /// string, an enum, an EquatableArray or a record of the front end's model namespace.
    /// </summary>
    private static class PlainData
    {
        private const string ModelNamespace = "TensorDsl.FrontEnd.Model";
        private const string PlanNamespace = "TensorDsl.FrontEnd.Plan";

        public static int Check(object? value, string path)
        {
            if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
            {
                return 1;
            }

            var type = value.GetType();
            if (type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true)
            {
                Assert.Fail($"{path} holds a Roslyn {type.FullName}: models must be equatable data, never symbols, syntax or compilations.");
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == ModelNamespace + ".EquatableArray`1")
            {
                var count = 1;
                var index = 0;
                foreach (var item in (IEnumerable)value)
                {
                    count += Check(item, $"{path}[{index++}]");
                }

                return count;
            }

            if ((type.Namespace == ModelNamespace || type.Namespace == PlanNamespace) && type.GetMethod("<Clone>$") is not null)
            {
                var count = 1;
                foreach (var field in InstanceFields(type))
                {
                    count += Check(field.GetValue(value), $"{path}.{Pretty(field.Name)}");
                }

                return count;
            }

            Assert.Fail($"{path} holds a {type.FullName}: a model may hold only primitives, strings, enums, EquatableArray<T> and {ModelNamespace} / {PlanNamespace} records.");
            return 0;
        }
    }

    private static IEnumerable<FieldInfo> InstanceFields(Type type)
    {
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                yield return field;
            }
        }
    }

    private static string Pretty(string fieldName) =>
        fieldName.StartsWith('<') && fieldName.Contains(">k__BackingField", StringComparison.Ordinal)
            ? fieldName.Substring(1, fieldName.IndexOf('>') - 1)
            : fieldName;

    private static Compilation Edit(Compilation compilation, string path, string find, string replace)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var text = tree.GetText().ToString();
        Assert.True(text.Contains(find, StringComparison.Ordinal), $"The edit looks for '{find}', which {path} does not contain.");
        var edited = tree.WithChangedText(SourceText.From(text.Replace(find, replace, StringComparison.Ordinal)));
        Assert.NotEqual(text, edited.GetText().ToString());
        return compilation.ReplaceSyntaxTree(tree, edited);
    }

    private static IEnumerable<AttentionKernelGenerator.ParseOutcome> ModelOutcomes(GeneratorRun run) =>
        ModelSteps(run).SelectMany(step => step.Outputs).Select(output => Assert.IsType<AttentionKernelGenerator.ParseOutcome>(output.Value));

    private static IReadOnlyList<IncrementalGeneratorRunStep> ModelSteps(GeneratorRun run)
    {
        Assert.True(run.Generator.TrackedSteps.TryGetValue(AttentionKernelGenerator.ParseStep, out var steps),
            $"No tracked step '{AttentionKernelGenerator.ParseStep}'; tracked: {string.Join(", ", run.Generator.TrackedSteps.Keys)}");
        return steps;
    }

    /// <summary>The reasons of the model step's outputs that belong to kernel <paramref name="typeName"/> (null: kernels without a model).</summary>
    private static List<IncrementalStepRunReason> ModelReasons(GeneratorRun run, string? typeName) =>
        StepReasons(run, AttentionKernelGenerator.ParseStep, typeName);

    /// <summary>The reasons of a tracked step's outputs that belong to kernel <paramref name="typeName"/>.</summary>
    private static List<IncrementalStepRunReason> StepReasons(GeneratorRun run, string stepName, string? typeName)
    {
        Assert.True(run.Generator.TrackedSteps.TryGetValue(stepName, out var steps),
            $"No tracked step '{stepName}'; tracked: {string.Join(", ", run.Generator.TrackedSteps.Keys)}");
        return steps
            .SelectMany(step => step.Outputs)
            .Where(output => TypeNameOf(output.Value) == typeName)
            .Select(output => output.Reason)
            .ToList();
    }

    /// <summary>The reasons of the source output step's outputs fed by kernel <paramref name="typeName"/>.</summary>
    private static List<IncrementalStepRunReason> OutputReasons(GeneratorRun run, string typeName)
    {
        Assert.True(run.Generator.TrackedOutputSteps.TryGetValue(SourceOutput, out var steps),
            $"No tracked output step '{SourceOutput}'; tracked: {string.Join(", ", run.Generator.TrackedOutputSteps.Keys)}");
        return steps
            .Where(step => step.Inputs.Any(input => TypeNameOf(input.Source.Outputs[input.OutputIndex].Value) == typeName))
            .SelectMany(step => step.Outputs)
            .Select(output => output.Reason)
            .ToList();
    }

    private static void AssertReused(GeneratorRun run, string typeName)
    {
        foreach (var step in new[] { AttentionKernelGenerator.ParseStep, AttentionKernelGenerator.CheckStep, AttentionKernelGenerator.PlanStep, AttentionKernelGenerator.EmitStep })
        {
            var reasons = StepReasons(run, step, typeName);
            Assert.True(reasons.Count > 0, $"The {step} step has no output for {typeName}.");
            Assert.True(reasons.All(Reused.Contains), $"{step} step for {typeName}: {string.Join(", ", reasons)} (expected only Cached/Unchanged)");
        }

        var output = OutputReasons(run, typeName);
        Assert.True(output.Count > 0, $"The source output step has no output for {typeName}.");
        Assert.True(output.All(Reused.Contains), $"Source output for {typeName}: {string.Join(", ", output)} (expected only Cached/Unchanged: emit must not re-run)");
    }

    private static string? TypeNameOf(object? value) => value switch
    {
        AttentionKernelGenerator.ParseOutcome { Model: { } model } => model.TypeName,
        AttentionKernelGenerator.CheckOutcome { Kernel: { } kernel } => kernel.Model.TypeName,
        AttentionKernelGenerator.CheckOutcome { Stub: { } stub } => stub.Kernel,
        AttentionKernelGenerator.GeneratedFile { Kernel: { Length: > 0 } kernel } => kernel,
        // The check and plan steps carry front-end records, which both the generator and the analyzers compile in:
        // read them by name rather than by type.
        { } other when other.GetType().Name == "CheckedKernel" => (string?)Property(Property(other, "Model")!, "TypeName"),
        { } other when other.GetType().Name.StartsWith("StepOutcome", StringComparison.Ordinal)
            && Property(other, "Value") is { } plan => (string?)Property(Property(plan, "Identity")!, "TypeName"),
        _ => null,
    };

    private static object? Property(object value, string name) => value.GetType().GetProperty(name)!.GetValue(value);
}
