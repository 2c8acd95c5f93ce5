using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// Emits the file-local implementation: validation of every length and size, and the fused loop nest —
/// per (batch, query head, query row) an online softmax over the visible keys only, K/V read through the GQA
/// index map (query head h reads KV head h / G), masks computed from indices, fp32 accumulation.
/// </summary>
internal static class CpuLoopEmitter
{
    public static void WriteImplementation(SourceWriter writer, KernelModel kernel, DensePlan plan)
    {
        writer.Line($"file static class {plan.ClassName}");
        writer.Line("{");
        WriteValidate(writer, kernel, plan);
        writer.Line();
        WriteKernel(writer, kernel, plan);
        WriteLambdas(writer, kernel);
        writer.Line("}");
    }

    private static string Parameters(KernelModel kernel, DensePlan plan)
    {
        var parts = kernel.Parameters
            .Select(p => $"global::System.ReadOnlySpan<{(p.Layout == OperandLayout.PerHead ? "float" : EmitNames.Element(p.Element))}> {p.Name}")
            .Concat(new[] { $"global::System.Span<{EmitNames.Element(kernel.Element)}> output", "global::System.Span<float> lse" })
            .Concat(EmitNames.RuntimeDims(kernel).Select(d => $"int {d}"));
        return string.Join(", ", parts);
    }

    private static void WriteValidate(SourceWriter writer, KernelModel kernel, DensePlan plan)
    {
        writer.Line($"    public static void Validate({Parameters(kernel, plan)})");
        writer.Line("    {");
        foreach (var dim in EmitNames.RuntimeDims(kernel))
        {
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.Dim({EmitNames.Literal(dim)}, {EmitNames.Literal(dim)}, {dim});");
        }

        foreach (var check in plan.Checks)
        {
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.Equal({EmitNames.Literal(check.Parameter)}, {EmitNames.Literal(check.Dimension)}, {check.Expected.ToCSharp()}, {check.Actual.ToCSharp()});");
        }

        if (plan.Dims.Hq.StaticValue is null || plan.Dims.Hkv.StaticValue is null)
        {
            var q = kernel.Find(OperandRole.Query)!;
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.MultipleOf({EmitNames.Literal(q.Name)}, {EmitNames.Literal("Hq (" + plan.Dims.Hq + ")")}, {plan.Dims.Hkv.ToCSharp()}, {plan.Dims.Hq.ToCSharp()});");
        }

        foreach (var operand in kernel.Parameters.Concat(new[] { plan.Output }))
        {
            var name = operand.Role == OperandRole.Output ? "output" : operand.Name;
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.SpanLength({EmitNames.Literal(name)}, {Elements(name, plan.ShapeOf(operand))}, {name}.Length);");
        }

        writer.Line($"        global::TensorDsl.Runtime.KernelGuard.OptionalSpanLength(\"lse\", {Elements("lse", new[] { plan.Dims.B, plan.Dims.Hq, plan.Dims.Sq })}, lse.Length);");
        writer.Line("    }");
    }

    private static string Elements(string parameter, IReadOnlyList<DimExpr> shape) =>
        $"global::TensorDsl.Runtime.KernelGuard.Elements({EmitNames.Literal(parameter)}, {string.Join(", ", shape.Select(d => d.ToCSharp()))})";

    private static void WriteKernel(SourceWriter writer, KernelModel kernel, DensePlan plan)
    {
        var d = plan.Dims;
        var q = kernel.Find(OperandRole.Query)!;
        var k = kernel.Find(OperandRole.Key)!;
        var v = kernel.Find(OperandRole.Value)!;
        writer.Line($"    public static void Kernel({Parameters(kernel, plan)})");
        writer.Line("    {");
        var w = new Indented(writer, 2);
        Size(w, "nB", d.B);
        Size(w, "nHq", d.Hq);
        Size(w, "nHkv", d.Hkv);
        Size(w, "nSq", d.Sq);
        Size(w, "nSk", d.Sk);
        Size(w, "nD", d.D);
        w.Line("if (nB == 0 || nHq == 0 || nSq == 0) return;");
        w.Line("int group = nHq / nHkv;");
        if (!kernel.Steps.Any(s => s is ScaleStepModel))
        {
            w.Line(d.D.StaticValue is { } dv
                ? $"const float defaultScale = {EmitNames.Float((float)(1.0 / System.Math.Sqrt(dv)))}; // 1/sqrt(D)"
                : "float defaultScale = (float)(1.0 / global::System.Math.Sqrt(nD)); // 1/sqrt(D)");
        }

        w.Line("float[]? rented = null;");
        w.Line("global::System.Span<float> scratch = nD <= 512");
        w.Line("    ? stackalloc float[2 * 512]");
        w.Line("    : (rented = global::System.Buffers.ArrayPool<float>.Shared.Rent(2 * nD));");
        w.Line("global::System.Span<float> qRow = scratch.Slice(0, nD);");
        w.Line("global::System.Span<float> acc = scratch.Slice(nD, nD);");
        w.Line("try");
        w.Line("{");
        w.Depth++;
        w.Line("for (int b = 0; b < nB; b++)");
        w.Line("for (int h = 0; h < nHq; h++)");
        w.Line("{");
        w.Depth++;
        w.Line("int kvh = h / group;");
        w.Line("for (int i = 0; i < nSq; i++)");
        w.Line("{");
        w.Depth++;
        w.Line("int p = nSk - nSq + i; // bottom-right aligned absolute position");
        w.Line($"int qBase = {RowBase(q.Layout, "b", "h", "i", "nHq", "nSq")};");
        w.Line("for (int x = 0; x < nD; x++) qRow[x] = (float)q[qBase + x];");
        WriteVisibleRange(w, kernel);
        w.Line("float m = float.NegativeInfinity, l = 0f;");
        w.Line("acc.Clear();");
        w.Line("for (int j = jLo; j <= jHi; j++)");
        w.Line("{");
        w.Depth++;
        var predicateIndex = 0;
        foreach (var mask in kernel.Masks.OfType<PredicateMaskModel>())
        {
            w.Line($"if (!Mask{predicateIndex++}(b, h, p, j)) continue;");
        }

        w.Line($"int kBase = {RowBase(k.Layout, "b", "kvh", "j", "nHkv", "nSk")};");
        w.Line("float s = 0f;");
        w.Line("for (int x = 0; x < nD; x++) s += qRow[x] * (float)k[kBase + x];");
        WriteSteps(w, kernel, plan);
        w.Line("if (float.IsNegativeInfinity(s)) continue; // e^-inf adds nothing; an all -inf row counts as empty");
        w.Line("float mNew = global::System.MathF.Max(m, s); // NaN propagates");
        w.Line("float correction = global::System.MathF.Exp(m - mNew);");
        w.Line("float weight = global::System.MathF.Exp(s - mNew);");
        w.Line("l = l * correction + weight;");
        w.Line($"int vBase = {RowBase(v.Layout, "b", "kvh", "j", "nHkv", "nSk")};");
        w.Line("for (int x = 0; x < nD; x++) acc[x] = acc[x] * correction + weight * (float)v[vBase + x];");
        w.Line("m = mNew;");
        w.Depth--;
        w.Line("}");
        WriteFinish(w, kernel, plan);
        w.Depth--;
        w.Line("}");
        w.Depth--;
        w.Line("}");
        w.Depth--;
        w.Line("}");
        w.Line("finally");
        w.Line("{");
        w.Line("    if (rented is not null) global::System.Buffers.ArrayPool<float>.Shared.Return(rented);");
        w.Line("}");
        writer.Line("    }");
    }

    private static void Size(Indented w, string name, DimExpr dim) =>
        w.Line(dim.StaticValue is { } value ? $"const int {name} = {value};" : $"int {name} = {dim.ToCSharp()};");

    /// <summary>Flat index of element 0 of row (batch, head, position) in a dense layout.</summary>
    private static string RowBase(OperandLayout layout, string batch, string head, string position, string heads, string length) =>
        layout == OperandLayout.Bshd
            ? $"(({batch} * {length} + {position}) * {heads} + {head}) * nD"
            : $"(({batch} * {heads} + {head}) * {length} + {position}) * nD";

    /// <summary>Narrows the key loop to what causal/window/chunk masks allow, so masked keys are never computed.</summary>
    private static void WriteVisibleRange(Indented w, KernelModel kernel)
    {
        w.Line("long lo = 0, hi = nSk - 1;");
        foreach (var mask in kernel.Masks)
        {
            switch (mask)
            {
                case CausalMaskModel:
                    w.Line("hi = global::System.Math.Min(hi, (long)p);");
                    break;
                case WindowMaskModel window:
                    w.Line($"lo = global::System.Math.Max(lo, (long)p - {window.Left}L);");
                    w.Line($"hi = global::System.Math.Min(hi, (long)p + {window.Right}L);");
                    break;
                case ChunkedMaskModel chunk:
                    w.Line($"long chunkStart = (p >= 0 ? p / {chunk.Size} : (p + 1) / {chunk.Size} - 1) * (long){chunk.Size};");
                    w.Line("lo = global::System.Math.Max(lo, chunkStart);");
                    w.Line($"hi = global::System.Math.Min(hi, chunkStart + {chunk.Size - 1}L);");
                    break;
            }
        }

        w.Line("int jLo = (int)lo, jHi = hi < lo ? (int)lo - 1 : (int)hi;");
    }

    private static void WriteSteps(Indented w, KernelModel kernel, DensePlan plan)
    {
        if (!kernel.Steps.Any(s => s is ScaleStepModel))
        {
            w.Line("s *= defaultScale;");
        }

        var modifierIndex = 0;
        foreach (var step in kernel.Steps)
        {
            switch (step)
            {
                case ScaleStepModel scale:
                    w.Line($"s *= {EmitNames.Float(scale.Scale)};");
                    break;
                case SoftcapStepModel softcap:
                    w.Line($"s = {EmitNames.Float(softcap.Cap)} * global::System.MathF.Tanh(s / {EmitNames.Float(softcap.Cap)});");
                    break;
                case BiasStepModel bias:
                    w.Line($"s += (float){bias.Operand}[{BiasIndex(kernel.Parameters.First(p => p.Name == bias.Operand), plan)}];");
                    break;
                case AlibiStepModel alibi:
                    w.Line($"s += {alibi.Operand}[h] * (float)(j - p);");
                    break;
                case ModifierStepModel:
                    w.Line($"s = Modifier{modifierIndex++}(b, h, p, j, s);");
                    break;
            }
        }
    }

    /// <summary>Bias index with size-1 dimensions broadcast (their index is 0, known at compile time).</summary>
    private static string BiasIndex(OperandModel bias, DensePlan plan)
    {
        var indices = new[] { "b", "h", "i", "j" };
        var text = "0";
        for (var axis = 0; axis < 4; axis++)
        {
            var dim = bias.Shape[axis];
            var index = dim.StaticValue == 1 ? "0" : indices[axis];
            text = axis == 0 ? index : $"({text}) * {dim.ToCSharp()} + {index}";
        }

        return text;
    }

    private static void WriteFinish(Indented w, KernelModel kernel, DensePlan plan)
    {
        var o = plan.Output;
        var element = EmitNames.Element(kernel.Element);
        w.Line($"int oBase = {RowBase(o.Layout, "b", "h", "i", "nHq", "nSq")};");
        w.Line("int lseIndex = (b * nHq + h) * nSq + i;");
        w.Line("if (l == 0f)");
        w.Line("{");
        w.Line("    // No visible key: output 0 and LSE -inf, never NaN (sinks included).");
        w.Line($"    for (int x = 0; x < nD; x++) output[oBase + x] = ({element})0f;");
        w.Line("    if (!lse.IsEmpty) lse[lseIndex] = float.NegativeInfinity;");
        w.Line("    continue;");
        w.Line("}");
        if (kernel.Sinks is { } sinks)
        {
            w.Line($"float sink = {sinks}[h];");
            w.Line("float mAll = global::System.MathF.Max(m, sink);");
            w.Line("float keep = global::System.MathF.Exp(m - mAll);");
            w.Line("float denominator = l * keep + global::System.MathF.Exp(sink - mAll);");
            w.Line("float factor = keep / denominator;");
            w.Line("if (!lse.IsEmpty) lse[lseIndex] = mAll + global::System.MathF.Log(denominator);");
        }
        else
        {
            w.Line("float factor = 1f / l;");
            w.Line("if (!lse.IsEmpty) lse[lseIndex] = m + global::System.MathF.Log(l);");
        }

        w.Line($"for (int x = 0; x < nD; x++) output[oBase + x] = ({element})(acc[x] * factor);");
    }

    private static void WriteLambdas(SourceWriter writer, KernelModel kernel)
    {
        var index = 0;
        foreach (var mask in kernel.Masks.OfType<PredicateMaskModel>())
        {
            writer.Line();
            writer.Line("    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            writer.Line($"    private static bool Mask{index++}({LambdaParameters(mask.Lambda, false)}) => {mask.Lambda.Body};");
        }

        index = 0;
        foreach (var modifier in kernel.Steps.OfType<ModifierStepModel>())
        {
            writer.Line();
            writer.Line("    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            writer.Line($"    private static float Modifier{index++}({LambdaParameters(modifier.Lambda, true)}) => {modifier.Lambda.Body};");
        }
    }

    private static string LambdaParameters(LoweredLambda lambda, bool withScore) =>
        string.Join(", ", lambda.Parameters.Select((name, i) => (i == 4 && withScore ? "float @" : "int @") + name));

    /// <summary>Writes lines at a fixed extra indentation inside the file-local class.</summary>
    private sealed class Indented
    {
        private readonly SourceWriter writer;

        public Indented(SourceWriter writer, int depth)
        {
            this.writer = writer;
            Depth = depth;
        }

        public int Depth { get; set; }

        public void Line(string text) => writer.Line(new string(' ', Depth * 4) + text);
    }
}
