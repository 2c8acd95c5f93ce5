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
    /// <summary>
    /// Writes the entry points. With <paramref name="failure"/> (a kernel whose declaration has errors) every body
    /// throws that text instead of forwarding, and no implementation exists: callers still compile, so the build
    /// shows the one TDSL error and nothing that follows from it (docs/design.md, "Broken kernels").
    /// </summary>
    public static void Write(IndentedWriter writer, KernelPlan plan, Targets targets, string? failure = null)
    {
        var impl = EmitNames.Qualified(plan.Identity, ImplementationWriter.ClassName(plan.Identity));
        string Body(string forward) => failure is null ? forward : StubBody(failure);
        var expression = plan.Identity.ExpressionText;
        if ((targets & Targets.Cpu) != 0)
        {
            Doc(writer, $"Runs <c>{EmitNames.Xml(expression)}</c> with the fused CPU kernel (fp32 accumulation, online softmax).", plan);
            writer.Line("/// <param name=\"heads\">Optional: run only this contiguous range of query heads (a tensor-parallel shard) on the full tensors; other heads of the output are left as they are.</param>");
            Method(writer, "Run", Parameters(plan, stacked: false, withHeads: true), Body($"{impl}.Run({Arguments(plan, stacked: false, withHeads: true)});"));
            TensorSpanWriter.WriteRun(writer, plan, impl, failure);
            if (plan.Batch == BatchKind.Paged)
            {
                writer.Line();
                Doc(writer, "As the other <c>Run</c>, over one stacked cache <c>[N, 2, BlockSize, Hkv, D]</c> or <c>[2, N, BlockSize, Hkv, D]</c> holding K and V (addressed by strides, never copied).", plan);
                writer.Line("/// <param name=\"heads\">Optional: run only this contiguous range of query heads on the full tensors.</param>");
                Method(writer, "Run", Parameters(plan, stacked: true, withHeads: true), Body($"{impl}.RunStacked({Arguments(plan, stacked: true, withHeads: true)});"));
                WriteCacheEntries(writer, plan, impl, Body);
            }

            writer.Line();
        }

        if ((targets & Targets.Spyre) != 0 && failure is null)
        {
            Spyre.SpyreEmitter.WriteEntryPoints(writer, plan);
        }

        writer.Line("/// <summary>");
        writer.Line("/// Runs the same declaration through the eager reference engine (scalar, fp64 accumulation): the oracle");
        writer.Line("/// the generated kernel is tested against. Same arguments and checks as <c>Run</c>.");
        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"heads\">Optional: write only this contiguous range of query heads, as <c>Run</c> does.</param>");
        var parameters = string.Join(", ", Parameters(plan, stacked: false, withHeads: true));
        using (writer.Block($"public static void Reference({parameters})"))
        {
            if (failure is not null)
            {
                writer.Line(StubBody(failure));
            }
            else
            {
                WriteDeclaredCall(writer, plan, $"{impl}.Reference({{0}}, {Arguments(plan, stacked: false, withHeads: true)});");
            }
        }

        TensorSpanWriter.WriteReference(writer, plan, impl, failure, (w, format) => WriteDeclaredCall(w, plan, format));
    }

    /// <summary>
    /// The statement <paramref name="format"/> with {0} the call of the user's declaration, which builds the expression
    /// tree the reference engine evaluates. Where the declaration carries attributes that bind its callers, the call goes
    /// through <see cref="WriteMarkedCall"/>.
    /// </summary>
    public static void WriteDeclaredCall(IndentedWriter writer, KernelPlan plan, string format)
    {
        var declared = $"{EmitNames.QualifiedType(plan.Identity)}.{EmitNames.Identifier(plan.Identity.MethodName)}("
            + string.Join(", ", plan.Inputs.Select(p => $"new {EmitNames.OperandType(p)}({EmitNames.Literal(p.Name)})")) + ")!"; // a declaration may annotate its result nullable
        if (plan.Identity.Marks is { } marks)
        {
            WriteMarkedCall(writer, marks, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, "Declared()"), EmitNames.OperandType(plan.Output), declared);
        }
        else
        {
            writer.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, declared));
        }
    }

    /// <summary>
    /// The expression method carries attributes that bind its callers ([Obsolete], [Experimental], Requires…). The call
    /// goes through a local function that carries them too — so the call inside it is in their context and reports
    /// nothing, whatever their severity — and the one call of that function is under a pragma for exactly their IDs.
    /// Nothing is passed on to the user's callers of Reference (docs/design.md, "Generated code and the user's attributes").
    /// </summary>
    private static void WriteMarkedCall(IndentedWriter writer, MethodMarks marks, string statement, string returnType, string declared)
    {
        var ids = new List<string>();
        var attributes = new List<string>();
        if (marks.Obsolete)
        {
            ids.Add("CS0612");
            attributes.Add("[global::System.Obsolete]"); // warning-level whatever the user's is, so the pragma covers it
        }

        foreach (var id in marks.ExperimentalIds)
        {
            ids.Add(id);
            attributes.Add($"[global::System.Diagnostics.CodeAnalysis.Experimental({EmitNames.Literal(id)})]");
        }

        void Requires(string? message, string id, string attribute)
        {
            if (message is not null)
            {
                ids.Add(id);
                attributes.Add($"[global::System.Diagnostics.CodeAnalysis.{attribute}({EmitNames.Literal(message)})]");
            }
        }

        Requires(marks.RequiresUnreferencedCode, "IL2026", "RequiresUnreferencedCode");
        Requires(marks.RequiresDynamicCode, "IL3050", "RequiresDynamicCode");
        Requires(marks.RequiresAssemblyFiles, "IL3002", "RequiresAssemblyFiles");
        var pragma = string.Join(", ", ids.Distinct(System.StringComparer.Ordinal));
        writer.Line($"#pragma warning disable {pragma}");
        writer.Line(statement);
        writer.Line($"#pragma warning restore {pragma}");
        writer.Line();
        writer.Line(string.Join(" ", attributes));
        writer.Line($"static {returnType} Declared() => {declared};");
    }

    /// <summary>The body of an entry point of a kernel with errors: it throws the first error's text.</summary>
    public static string StubBody(string failure) =>
        $"throw new global::System.InvalidOperationException({EmitNames.Literal(failure)});";

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

    /// <summary>Whether every entry point's parameters have distinct names (a refused kernel's may not).</summary>
    public static bool ParameterNamesAreDistinct(KernelPlan plan) =>
        new[] { false, true }.All(stacked =>
        {
            var names = Parameters(plan, stacked, withHeads: true)
                .SelectMany(p => p.Split(new[] { ", " }, System.StringSplitOptions.None)) // kvCache and its layout are one entry
                .Select(p => p.Split(new[] { " = " }, System.StringSplitOptions.None)[0])
                .Select(p => p.Substring(p.LastIndexOf(' ') + 1).TrimStart('@'))
                .ToList();
            return names.Distinct(System.StringComparer.Ordinal).Count() == names.Count;
        });

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

    private static void WriteCacheEntries(IndentedWriter writer, KernelPlan plan, string impl, System.Func<string, string> body)
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
            writer.Line(body($"{impl}.WriteCache(newKeys, newValues, keyCache, valueCache, batch{sizeArguments});"));
        }

        writer.Line();
        writer.Line("/// <summary>As the other <c>WriteCache</c>, into one stacked cache holding K and V.</summary>");
        using (writer.Block($"public static void WriteCache(global::System.ReadOnlySpan<{element}> newKeys, global::System.ReadOnlySpan<{element}> newValues, global::System.Span<{element}> kvCache, global::TensorDsl.KvCacheLayout layout, global::TensorDsl.PagedBatch batch{sizeParameters})"))
        {
            writer.Line(body($"{impl}.WriteCache(newKeys, newValues, kvCache, layout, batch{sizeArguments});"));
        }
    }
}
