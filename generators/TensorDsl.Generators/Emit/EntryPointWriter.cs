using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// The public entry points added to the user's partial type. Each body is one call into the file-local
/// implementation with fully qualified names, so nothing the user declares (members, parameters, types) can change
/// what it binds to.
/// </summary>
internal static class EntryPointWriter
{
    public static void Write(IndentedWriter writer, KernelPlan plan, Targets targets)
    {
        var impl = EmitNames.Qualified(plan.Identity, ImplementationWriter.ClassName(plan.Identity));
        var expression = plan.Identity.ExpressionText;
        if ((targets & Targets.Cpu) != 0)
        {
            Doc(writer, $"Runs <c>{EmitNames.Xml(expression)}</c> with the fused CPU kernel (fp32 accumulation, online softmax).", plan);
            writer.Line("/// <param name=\"heads\">Optional: run only this contiguous range of query heads (a tensor-parallel shard) on the full tensors; other heads of the output are left as they are.</param>");
            Method(writer, "Run", Parameters(plan, stacked: false, withHeads: true), $"{impl}.Run({Arguments(plan, stacked: false, withHeads: true)});");
            TensorSpanWriter.WriteRun(writer, plan, impl);
            if (plan.Batch == BatchKind.Paged)
            {
                writer.Line();
                Doc(writer, "As the other <c>Run</c>, over one stacked cache <c>[N, 2, BlockSize, Hkv, D]</c> or <c>[2, N, BlockSize, Hkv, D]</c> holding K and V (addressed by strides, never copied).", plan);
                writer.Line("/// <param name=\"heads\">Optional: run only this contiguous range of query heads on the full tensors.</param>");
                Method(writer, "Run", Parameters(plan, stacked: true, withHeads: true), $"{impl}.RunStacked({Arguments(plan, stacked: true, withHeads: true)});");
                WriteCacheEntries(writer, plan, impl);
            }

            writer.Line();
        }

        if ((targets & Targets.Spyre) != 0)
        {
            Spyre.SpyreEmitter.WriteEntryPoints(writer, plan);
        }

        writer.Line("/// <summary>");
        writer.Line("/// Runs the same declaration through the eager reference engine (scalar, fp64 accumulation): the oracle");
        writer.Line("/// the generated kernel is tested against. Same arguments and checks as <c>Run</c>.");
        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"heads\">Optional: write only this contiguous range of query heads, as <c>Run</c> does.</param>");
        Method(writer, "Reference", Parameters(plan, stacked: false, withHeads: true), $"{impl}.Reference({Declared(plan)}, {Arguments(plan, stacked: false, withHeads: true)});");
        TensorSpanWriter.WriteReference(writer, plan, impl, Declared(plan));
    }

    /// <summary>The call of the user's declaration that builds the expression tree the reference engine evaluates.</summary>
    private static string Declared(KernelPlan plan) =>
        $"{EmitNames.QualifiedType(plan.Identity)}.{EmitNames.Identifier(plan.Identity.MethodName)}("
        + string.Join(", ", plan.Inputs.Select(p => $"new {EmitNames.OperandType(p)}({EmitNames.Literal(p.Name)})")) + ")!"; // a declaration may annotate its result nullable

    private static void Doc(IndentedWriter writer, string summary, KernelPlan plan)
    {
        writer.Line("/// <summary>");
        writer.Line($"/// {summary}");
        writer.Line("/// Throws <see cref=\"global::TensorDsl.ShapeException\"/> before touching memory when a length, size or metadata value is wrong.");
        writer.Line("/// </summary>");
        writer.Line($"/// <param name=\"output\">{plan.Output.Layout} {EmitNames.Xml(EmitNames.Shape(plan.Output.Shape))}.</param>");
        writer.Line($"/// <param name=\"lse\">Optional log-sum-exp, float {EmitNames.Xml(EmitNames.Shape(plan.LseShape))}; empty to skip.</param>");
    }

    private static void Method(IndentedWriter writer, string name, IEnumerable<string> parameters, string body)
    {
        using (writer.Block($"public static void {name}({string.Join(", ", parameters)})"))
        {
            writer.Line(body);
        }
    }

    /// <summary>
    /// Spans in declaration order (K and V become one <c>kvCache</c> and its <c>layout</c> when stacked), the output,
    /// the batch, the <c>int</c> sizes the caller gives, then the optional LSE and head range.
    /// </summary>
    private static IEnumerable<string> Parameters(KernelPlan plan, bool stacked, bool withHeads)
    {
        foreach (var (input, isKvCache) in EmitNames.EntryInputs(plan, stacked))
        {
            yield return isKvCache
                ? EmitNames.KvCacheParameters(input)
                : $"global::System.ReadOnlySpan<{EmitNames.SpanElement(input)}> {EmitNames.Identifier(input.Name)}";
        }

        yield return $"global::System.Span<{EmitNames.Element(plan.Output.Element)}> output";
        if (plan.Batch != BatchKind.Dense)
        {
            yield return plan.Batch == BatchKind.Paged ? "global::TensorDsl.PagedBatch batch" : "global::TensorDsl.VarlenBatch batch";
        }

        foreach (var size in plan.RuntimeSizes.Where(s => s.Source == RuntimeSizeSource.Argument))
        {
            yield return "int " + EmitNames.Identifier(size.Name);
        }

        yield return "global::System.Span<float> lse = default";
        if (withHeads)
        {
            yield return "global::TensorDsl.HeadRange? heads = null";
        }
    }

    /// <summary>The implementation's argument order: inputs, output, lse, batch, heads, sizes.</summary>
    private static string Arguments(KernelPlan plan, bool stacked, bool withHeads)
    {
        var arguments = EmitNames.EntryInputs(plan, stacked)
            .Select(entry => entry.IsKvCache ? "kvCache, layout" : EmitNames.Identifier(entry.Input.Name))
            .ToList();

        arguments.Add("output");
        arguments.Add("lse");
        if (plan.Batch != BatchKind.Dense)
        {
            arguments.Add("batch");
        }

        if (withHeads)
        {
            arguments.Add("heads");
        }

        arguments.AddRange(plan.RuntimeSizes.Where(s => s.Source == RuntimeSizeSource.Argument).Select(s => EmitNames.Identifier(s.Name)));
        return string.Join(", ", arguments);
    }

    private static void WriteCacheEntries(IndentedWriter writer, KernelPlan plan, string impl)
    {
        var element = EmitNames.SpanElement(plan.Key);
        var sizes = plan.RuntimeSizes.Where(s => s.Source == RuntimeSizeSource.Argument).ToList();
        var sizeParameters = string.Concat(sizes.Select(s => ", int " + EmitNames.Identifier(s.Name)));
        var sizeArguments = string.Concat(sizes.Select(s => ", " + EmitNames.Identifier(s.Name)));
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Writes the new tokens' keys and values <c>[T, Hkv, D]</c> into the caches at <c>batch.SlotMapping</c> (vLLM's");
        writer.Line("/// reshape_and_cache; a negative slot is skipped). Every slot is checked (in range, none written twice) before any write.");
        writer.Line("/// </summary>");
        using (writer.Block($"public static void WriteCache(global::System.ReadOnlySpan<{element}> newKeys, global::System.ReadOnlySpan<{element}> newValues, global::System.Span<{element}> keyCache, global::System.Span<{element}> valueCache, global::TensorDsl.PagedBatch batch{sizeParameters})"))
        {
            writer.Line($"{impl}.WriteCache(newKeys, newValues, keyCache, valueCache, batch{sizeArguments});");
        }

        writer.Line();
        writer.Line("/// <summary>As the other <c>WriteCache</c>, into one stacked cache holding K and V.</summary>");
        using (writer.Block($"public static void WriteCache(global::System.ReadOnlySpan<{element}> newKeys, global::System.ReadOnlySpan<{element}> newValues, global::System.Span<{element}> kvCache, global::TensorDsl.KvCacheLayout layout, global::TensorDsl.PagedBatch batch{sizeParameters})"))
        {
            writer.Line($"{impl}.WriteCache(newKeys, newValues, kvCache, layout, batch{sizeArguments});");
        }
    }
}
