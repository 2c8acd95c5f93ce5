using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;
using TensorDsl.Generators.Emit;

namespace TensorDsl.Generators.Cpu;

/// <summary>
/// The CPU target's part of the implementation class: <c>Run</c> (and, for paged kernels, <c>RunStacked</c> and the
/// cache writes), which validate, describe the problem and hand it to the runtime's <c>AttentionDriver</c>, and the
/// <c>Spec</c> struct that carries the kernel's constants, score steps and mask predicates for the JIT to inline.
/// The loops themselves live in the runtime, written once.
/// </summary>
internal static class CpuEmitter
{
    private const string Cpu = "global::TensorDsl.Cpu";

    public static void Write(IndentedWriter writer, ImplementationNames names)
    {
        var plan = names.Plan;
        WriteRun(writer, names, stacked: false);
        if (plan.Batch == BatchKind.Paged)
        {
            writer.Line();
            WriteRun(writer, names, stacked: true);
            writer.Line();
            WriteCacheWrites(writer, names);
        }

        writer.Line();
        WriteSpec(writer, plan);
    }

    private static void WriteRun(IndentedWriter writer, ImplementationNames names, bool stacked)
    {
        var plan = names.Plan;
        var parameters = EntrySignature.Of(plan, stacked).ImplementationParameters();
        using (writer.Block($"public static void {(stacked ? "RunStacked" : "Run")}({string.Join(", ", parameters)})"))
        {
            ImplementationWriter.WritePrologue(writer, names, stacked);
            var s = names.Sizes;
            var sizes = plan.Sizes;
            var q = plan.Query;
            var k = plan.Key;
            var v = plan.Value;
            writer.Line(plan.Batch == BatchKind.Dense
                ? $"var problem = {Cpu}.AttentionProblem.Dense({s.Of(sizes.B!)}, {s.Of(sizes.Hq)}, {s.Of(sizes.Hkv)}, {s.Of(sizes.Sq!)}, {s.Of(sizes.Sk!)}, {s.Of(sizes.D)}, {s.Of(sizes.Dv)},"
                : $"var problem = {Cpu}.AttentionProblem.Varlen(batch, {s.Of(sizes.Hq)}, {s.Of(sizes.Hkv)}, {s.Of(sizes.D)}, {s.Of(sizes.Dv)},");
            using (writer.Indent())
            {
                writer.Line($"{Rows(q, s)}, {Keys(k, s, stacked, values: false)}, {Keys(v, s, stacked, values: true)}, {Rows(plan.Output, s)});");
            }

            writer.Line("if (heads is { } range) problem = problem.WithHeads(range);");
            WriteInputs(writer, plan, s);
            var kvType = EmitNames.SpanElement(k);
            var (keys, values) = stacked ? ("kvCache", "kvCache") : ("k", "v");
            writer.Line($"{Cpu}.AttentionDriver.Run<Spec, {EmitNames.SpanElement(q)}, {kvType}, {EmitNames.Element(plan.Output.Element)}>(problem, q, {keys}, {values}, output, lse, {(plan.Sinks is null ? "default" : "sinks")}, inputs);");
        }
    }

    private static string Rows(OperandPlan operand, SizeNames s)
    {
        var a = operand.Rows;
        return operand.Layout == Layout.Tokens
            ? $"{Cpu}.RowAddressing.Tokens({s.Of(a.Heads)}, {s.Of(a.HeadDim)})"
            : $"{Cpu}.RowAddressing.{operand.Layout}({s.Of(a.Heads)}, {s.Of(a.Length!)}, {s.Of(a.HeadDim)})";
    }

    private static string Keys(OperandPlan operand, SizeNames s, bool stacked, bool values)
    {
        var a = operand.Rows;
        return operand.Layout switch
        {
            Layout.Tokens => $"{Cpu}.KvAddressing.Tokens({s.Of(a.Heads)}, {s.Of(a.HeadDim)})",
            Layout.Pages when stacked =>
                $"{Cpu}.KvAddressing.PagedStacked(layout, {(values ? "true" : "false")}, {s.Of(operand.Shape[0])}, {s.Of(a.BlockSize!)}, {s.Of(a.Heads)}, {s.Of(a.HeadDim)})",
            Layout.Pages => $"{Cpu}.KvAddressing.Paged({s.Of(a.BlockSize!)}, {s.Of(a.Heads)}, {s.Of(a.HeadDim)})",
            _ => $"{Cpu}.KvAddressing.{operand.Layout}({s.Of(a.Heads)}, {s.Of(a.Length!)}, {s.Of(a.HeadDim)})",
        };
    }

    /// <summary>The score steps' data: the run-time default scale and one side-input slot per bias or ALiBi operand.</summary>
    private static void WriteInputs(IndentedWriter writer, KernelPlan plan, SizeNames s)
    {
        var fields = new List<string>();
        if (plan.ScoreSteps.Any(UsesDefaultScale))
        {
            fields.Add($"DefaultScale = global::TensorDsl.Dsl.Rsqrt({s.Of(plan.Sizes.D)})");
        }

        foreach (var side in plan.SideInputs)
        {
            var span = "side" + side.Slot;
            fields.Add(side.Kind == SideInputKind.PerHead
                ? $"Side{side.Slot} = {Cpu}.SideTensor.PerHead({span})"
                : $"Side{side.Slot} = {Cpu}.SideTensor.Bias<{EmitNames.Element(side.Element)}>({span}, {string.Join(", ", side.Shape.Select(s.Of))})");
        }

        writer.Line(fields.Count == 0
            ? $"var inputs = new {Cpu}.ScoreInputs();"
            : $"var inputs = new {Cpu}.ScoreInputs {{ {string.Join(", ", fields)} }};");
    }

    private static bool UsesDefaultScale(ScalarExpr expression) => expression switch
    {
        VariableExpr { Variable: ScalarVariable.DefaultScale } => true,
        BinaryExpr binary => UsesDefaultScale(binary.Left) || UsesDefaultScale(binary.Right),
        _ => false,
    };

    /// <summary>vLLM's reshape_and_cache for this kernel's cache shape: new K/V rows <c>[T, Hkv, D]</c> into their slots.</summary>
    private static void WriteCacheWrites(IndentedWriter writer, ImplementationNames names)
    {
        var plan = names.Plan;
        var s = names.Sizes;
        var a = plan.Key.Rows;
        var shape = $"{s.Of(a.BlockSize!)}, {s.Of(a.Heads)}, {s.Of(a.HeadDim)}";
        using (writer.Block($"public static void WriteCache({EntrySignature.Of(plan, stacked: false).CacheWriteParameters(inner: true)})"))
        {
            writer.Line("global::System.ArgumentNullException.ThrowIfNull(batch);");
            writer.Line($"global::TensorDsl.PagedCache.Write(newKeys, newValues, keyCache, valueCache, batch.SlotMapping.Span, {shape});");
        }

        writer.Line();
        using (writer.Block($"public static void WriteCache({EntrySignature.Of(plan, stacked: true).CacheWriteParameters(inner: true)})"))
        {
            writer.Line("global::System.ArgumentNullException.ThrowIfNull(batch);");
            writer.Line($"global::TensorDsl.PagedCache.Write(newKeys, newValues, kvCache, layout, batch.SlotMapping.Span, {shape});");
        }
    }

    private static void WriteSpec(IndentedWriter writer, KernelPlan plan)
    {
        const string inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";
        var masks = plan.Masks;
        writer.Line("/// <summary>The kernel's constants, score steps and masks, inlined by the JIT into the runtime's loops.</summary>");
        using (writer.Block($"private readonly struct Spec : {Cpu}.IAttentionSpec"))
        {
            writer.Line($"public static int ConstHeadDim => {(plan.Sizes.D.StaticValue is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0")};");
            writer.Line();
            // The driver names the tensors it checks as declared; the interface's defaults are q, k, v and sinks.
            var named = false;
            foreach (var (member, name, role) in new[] { ("QueryName", plan.Query.Name, "q"), ("KeyName", plan.Key.Name, "k"), ("ValueName", plan.Value.Name, "v"), ("SinksName", plan.Sinks ?? "sinks", "sinks") })
            {
                if (name != role)
                {
                    writer.Line($"public static string {member} => {EmitNames.Literal(name)};");
                    named = true;
                }
            }

            if (named)
            {
                writer.Line();
            }

            writer.Line(masks == MaskPlan.None || (!masks.Causal && !masks.HasWindow && masks.Chunk == 0)
                ? $"public static {Cpu}.KeyMask Mask => {Cpu}.KeyMask.None;"
                : $"public static {Cpu}.KeyMask Mask => new {Cpu}.KeyMask(causal: {Bool(masks.Causal)}, hasWindow: {Bool(masks.HasWindow)}, left: {masks.Left}, right: {masks.Right}, chunk: {masks.Chunk});");
            writer.Line();
            writer.Line($"public static bool HasPredicate => {Bool(masks.Predicates.Count > 0)};");
            writer.Line();
            writer.Line(inline);
            if (masks.Predicates.Count == 0)
            {
                writer.Line("public static bool Visible(int batch, int head, int position, int key) => true;");
            }
            else
            {
                // The predicates are the user's lambdas, printed back: any warning they carry (CS0652 for
                // `j == 2147483648`, say) is reported once, in the user's file, not again in this one.
                writer.Line(UserCodeBegin);
                writer.Line("public static bool Visible(int batch, int head, int position, int key) => "
                    + string.Join(" && ", masks.Predicates.Select(CSharpScalarPrinter.Print)) + ";");
                writer.Line(UserCodeEnd);
            }
            writer.Line();
            var scale = PlainScale(plan.ScoreSteps);
            writer.Line($"public static bool ScoreIsScale => {Bool(scale is not null)};");
            writer.Line();
            writer.Line(inline);
            writer.Line($"public static float Scale(in {Cpu}.ScoreInputs inputs) => {scale ?? "1f"};");
            writer.Line();
            writer.Line(inline);
            using (writer.Block($"public static float Score(in {Cpu}.ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot)"))
            {
                writer.Line("float score = dot;");
                writer.Line(UserCodeBegin);
                foreach (var step in plan.ScoreSteps)
                {
                    // An identity step (ScoreMod(..., (b, h, i, j, s) => s)) would print "score = score;", which the
                    // compiler warns about in the user's build (CS1717); it changes nothing, so it is left out.
                    string printed = CSharpScalarPrinter.Print(step);
                    if (printed != "score")
                    {
                        writer.Line($"score = {printed};");
                    }
                }

                writer.Line(UserCodeEnd);

                writer.Line("return score;");
            }
        }
    }

    /// <summary>
    /// The scale as C# when the score steps are exactly one <c>score · scale</c> with a constant or the default scale
    /// (the driver then scales whole score vectors); <c>"1f"</c> when there is no step; null otherwise.
    /// </summary>
    private static string? PlainScale(EquatableArray<ScalarExpr> steps)
    {
        if (steps.Count == 0)
        {
            return "1f";
        }

        if (steps.Count != 1 || steps[0] is not BinaryExpr { Operator: BinaryOperator.Multiply } product
            || product.Left is not VariableExpr { Variable: ScalarVariable.Score })
        {
            return null;
        }

        return product.Right switch
        {
            ConstantExpr { Type.Kind: ScalarKind.Single } or VariableExpr { Variable: ScalarVariable.DefaultScale }
                => CSharpScalarPrinter.Print(product.Right),
            _ => null,
        };
    }

    /// <summary>Around code printed from the user's expression (lambdas, scales): its warnings belong to the user's file.</summary>
    private const string UserCodeBegin = "#pragma warning disable // printed from the declaration: its warnings are reported there";

    private const string UserCodeEnd = "#pragma warning restore";

    private static string Bool(bool value) => value ? "true" : "false";
}
