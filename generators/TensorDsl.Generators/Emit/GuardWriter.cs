using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// Prints a plan's guards as calls to the runtime's <c>KernelGuard</c>, in the plan's order: only those no engine makes
/// itself (docs/design.md, "One validator per fact"). The CPU driver checks the length of q, k, v, the output and the LSE
/// and that the written spans alias nothing it reads, naming each tensor as declared (the spec's names); the reference
/// engine checks the lengths as it binds each tensor. So the generated <c>Validate</c> keeps the declaration's own
/// rules (its sizes, their relations, products, the batch's token counts) and the bias/ALiBi/sinks operands, whose
/// declared shapes no engine sees; <see cref="WriteReferenceAliasing"/> adds, for <c>Reference</c> alone, the aliasing
/// the reference engine cannot see (it copies its inputs when they are bound).
/// </summary>
internal static class GuardWriter
{
    private const string Guard = "global::TensorDsl.Runtime.KernelGuard";

    /// <summary>
    /// Writes every guard. With <paramref name="stacked"/>, K and V are one <c>kvCache</c> span whose length was already
    /// turned into the block count (a whole number of blocks by construction), so their own length checks drop out.
    /// </summary>
    public static void Write(IndentedWriter writer, ImplementationNames names, bool stacked)
    {
        var sizes = names.Sizes;
        foreach (var guard in names.Plan.Guards)
        {
            switch (guard)
            {
                case NonNegativeGuard size:
                    writer.Line($"{Guard}.Dim({EmitNames.Literal(size.Size)}, {EmitNames.Literal(size.Size)}, {sizes.Local(size.Size)});");
                    break;
                case ProductGuard product:
                    var nested = product.Product.Factors.Skip(1).Aggregate(
                        sizes.Of(product.Product.Factors[0]),
                        (left, factor) => $"{Guard}.Product({EmitNames.Literal(product.Parameter)}, {EmitNames.Literal(product.Product.ToString())}, {left}, {sizes.Of(factor)})");
                    writer.Line($"_ = {nested};");
                    break;
                case PositiveGuard positive:
                    writer.Line($"{Guard}.Positive({EmitNames.Literal(positive.Parameter)}, {EmitNames.Literal(positive.Dimension)}, {sizes.Of(positive.Size)});");
                    break;
                case EqualGuard equal:
                    writer.Line($"{Guard}.Equal({EmitNames.Literal(equal.Parameter)}, {EmitNames.Literal(equal.Dimension)}, {sizes.Of(equal.Expected)}, {sizes.Of(equal.Actual)});");
                    break;
                case MultipleGuard multiple:
                    writer.Line($"{Guard}.MultipleOf({EmitNames.Literal(multiple.Parameter)}, {EmitNames.Literal(multiple.Dimension)}, {sizes.Of(multiple.Divisor)}, {sizes.Of(multiple.Size)});");
                    break;
                case BatchSizeGuard batch:
                    writer.Line($"{Guard}.Equal({EmitNames.Literal(batch.Parameter)}, {EmitNames.Literal(batch.Dimension)}, {BatchSource(batch.Source)}, {sizes.Of(batch.Declared)});");
                    break;
                case SpanLengthGuard span when stacked && IsKv(names, span.Parameter):
                    break;
                case SpanLengthGuard span when EngineChecked(names, span.Parameter):
                    break;
                case DisjointGuard disjoint when EngineAliasing(names, disjoint):
                    break;
                case SpanLengthGuard span:
                    var elements = $"{Guard}.Elements({EmitNames.Literal(span.Parameter)}, {string.Join(", ", span.Shape.Select(sizes.Of))})";
                    writer.Line(span.Optional
                        ? $"{Guard}.OptionalSpanLength({EmitNames.Literal(span.Parameter)}, {elements}, {names.Tensor(span.Parameter)}.Length);"
                        : $"{Guard}.SpanLength({EmitNames.Literal(span.Parameter)}, {elements}, {names.Tensor(span.Parameter)}.Length);");
                    break;
                case DisjointGuard disjoint when stacked && IsKv(names, disjoint.Input) && names.Plan.Value.Name == disjoint.Input:
                    break; // K's check already covers the one stacked span
                case DisjointGuard disjoint:
                    WriteDisjoint(writer, names, disjoint, stacked);
                    break;
            }
        }
    }

    /// <summary>The aliasing checks the CPU driver makes and the reference engine cannot, for <c>Reference</c>.</summary>
    public static void WriteReferenceAliasing(IndentedWriter writer, ImplementationNames names)
    {
        foreach (var disjoint in names.Plan.Guards.OfType<DisjointGuard>().Where(d => EngineAliasing(names, d)))
        {
            WriteDisjoint(writer, names, disjoint, stacked: false);
        }
    }

    /// <summary>Output or LSE against q, k, v, the sinks or each other: spans the driver is given.</summary>
    private static bool EngineAliasing(ImplementationNames names, DisjointGuard disjoint) =>
        EngineChecked(names, disjoint.Output) && (EngineChecked(names, disjoint.Input) || disjoint.Input == names.Plan.Sinks);

    private static bool EngineChecked(ImplementationNames names, string tensor) =>
        tensor is "output" or "lse" || tensor == names.Plan.Query.Name || IsKv(names, tensor);

    private static void WriteDisjoint(IndentedWriter writer, ImplementationNames names, DisjointGuard disjoint, bool stacked)
    {
        var (inputName, inputSpan) = stacked && IsKv(names, disjoint.Input) ? ("kvCache", "kvCache") : (disjoint.Input, names.Tensor(disjoint.Input));
        writer.Line($"{Guard}.Disjoint<{Element(names, disjoint.Output)}, {Element(names, disjoint.Input)}>({EmitNames.Literal(disjoint.Output)}, "
            + $"{names.Tensor(disjoint.Output)}, {EmitNames.Literal(inputName)}, {inputSpan});");
    }

    private static bool IsKv(ImplementationNames names, string tensor) =>
        tensor == names.Plan.Key.Name || tensor == names.Plan.Value.Name;

    private static string Element(ImplementationNames names, string tensor) => tensor switch
    {
        "lse" => "float",
        "output" => EmitNames.Element(names.Plan.Output.Element),
        _ => EmitNames.SpanElement(names.Plan.Inputs.First(i => i.Name == tensor)),
    };

    public static string BatchSource(RuntimeSizeSource source) => source switch
    {
        RuntimeSizeSource.QueryTokens => "batch.NumTokens",
        _ => "batch.TotalKvTokens",
    };

    /// <summary>Binds the sizes the batch or a cache length gives (the token counts, the block count).</summary>
    public static void WriteSizeBindings(IndentedWriter writer, ImplementationNames names, bool stacked)
    {
        if (names.Plan.Batch != BatchKind.Dense)
        {
            writer.Line("global::System.ArgumentNullException.ThrowIfNull(batch);");
        }

        var plan = names.Plan;
        if (plan.RuntimeSizes.Any(s => s.Source == RuntimeSizeSource.CacheBlocks))
        {
            // The block count divides the cache length by sizes the caller passes: a negative one must be reported as
            // itself, not as a cache length that is no whole number of blocks.
            foreach (var size in plan.RuntimeSizes.Where(s => s.Source == RuntimeSizeSource.Argument))
            {
                writer.Line($"global::TensorDsl.Runtime.KernelGuard.Dim({EmitNames.Literal(size.Name)}, {EmitNames.Literal(size.Name)}, {names.Sizes.Local(size.Name)});");
            }

            // A cache block with no elements leaves the block count undefined: a zero factor (Hkv = 0, say) is reported
            // as itself, before the division would blame the cache.
            var blockNames = new HashSet<string>(plan.Key.Shape.Skip(1).SelectMany(Names));
            foreach (var size in plan.RuntimeSizes.Where(s => s.Source == RuntimeSizeSource.Argument && blockNames.Contains(s.Name)))
            {
                writer.Line($"global::TensorDsl.Runtime.KernelGuard.Positive({EmitNames.Literal(size.Name)}, {EmitNames.Literal(size.Name)}, {names.Sizes.Local(size.Name)});");
            }
        }

        foreach (var size in plan.RuntimeSizes.Where(s => s.Source != RuntimeSizeSource.Argument))
        {
            var local = names.Sizes.Local(size.Name);
            if (size.Source == RuntimeSizeSource.CacheBlocks)
            {
                var k = plan.Key;
                var block = names.Sizes.LongProduct(k.Shape[1], k.Shape[2], k.Shape[3]);
                writer.Line(stacked
                    ? $"int {local} = global::TensorDsl.Runtime.KernelGuard.Count(\"kvCache\", {EmitNames.Literal(size.Name)}, kvCache.Length, 2L * {block});"
                    : $"int {local} = global::TensorDsl.Runtime.KernelGuard.Count({EmitNames.Literal(k.Name)}, {EmitNames.Literal(size.Name)}, k.Length, {block});");
            }
            else
            {
                writer.Line($"int {local} = global::TensorDsl.Runtime.KernelGuard.Size({EmitNames.Literal(size.Source == RuntimeSizeSource.QueryTokens ? plan.Query.Name : plan.Key.Name)}, {EmitNames.Literal(size.Name)}, {GuardWriter.BatchSource(size.Source)});");
            }
        }
    }

    private static IEnumerable<string> Names(DimExpr dim) => dim switch
    {
        NamedDim named => new[] { named.Name },
        ProductDim product => product.Factors.SelectMany(Names),
        _ => Enumerable.Empty<string>(),
    };
}
