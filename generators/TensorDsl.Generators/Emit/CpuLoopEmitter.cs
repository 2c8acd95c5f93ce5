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

    private static string Parameters(KernelModel kernel)
    {
        var parts = kernel.Parameters
            .Select(EmitNames.SpanParameter)
            .Concat(new[] { $"global::System.Span<{EmitNames.Element(kernel.Element)}> output", "global::System.Span<float> lse" })
            .Concat(EmitNames.RuntimeDims(kernel).Select(d => $"int @{d}"));
        return string.Join(", ", parts);
    }

    private static void WriteValidate(SourceWriter writer, KernelModel kernel, DensePlan plan)
    {
        writer.Line($"    public static void Validate({Parameters(kernel)})");
        writer.Line("    {");
        foreach (var dim in EmitNames.RuntimeDims(kernel))
        {
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.Dim({EmitNames.Literal(dim)}, {EmitNames.Literal(dim)}, @{dim});");
        }

        // Products of run-time sizes first: everything after computes them in int arithmetic.
        foreach (var (parameter, product) in RuntimeProducts(kernel, plan))
        {
            var nested = product.Factors.Skip(1).Aggregate(product.Factors[0].ToCSharp(),
                (left, factor) => $"global::TensorDsl.Runtime.KernelGuard.Product({EmitNames.Literal(parameter)}, {EmitNames.Literal(product.ToString())}, {left}, {factor.ToCSharp()})");
            writer.Line($"        _ = {nested};");
        }

        if (plan.Dims.Hkv.StaticValue is null)
        {
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.Positive({EmitNames.Literal(kernel.Find(OperandRole.Key)!.Name)}, {EmitNames.Literal("Hkv" + Named(plan.Dims.Hkv, "Hkv"))}, {plan.Dims.Hkv.ToCSharp()});");
        }

        if (plan.Dims.D.StaticValue is not > 0 && !kernel.Steps.Any(step => step is ScaleStepModel))
        {
            // The default scale is 1/sqrt(D): a head size of 0 would make every score 0·∞ = NaN.
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.Positive({EmitNames.Literal(kernel.Find(OperandRole.Query)!.Name)}, {EmitNames.Literal("D" + Named(plan.Dims.D, "D"))}, {plan.Dims.D.ToCSharp()});");
        }

        foreach (var check in plan.Checks)
        {
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.Equal({EmitNames.Literal(check.Parameter)}, {EmitNames.Literal(check.Dimension)}, {check.Expected.ToCSharp()}, {check.Actual.ToCSharp()});");
        }

        if (plan.Dims.Hq.StaticValue is null || plan.Dims.Hkv.StaticValue is null)
        {
            var q = kernel.Find(OperandRole.Query)!;
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.MultipleOf({EmitNames.Literal(q.Name)}, {EmitNames.Literal("Hq" + Named(plan.Dims.Hq, "Hq"))}, {plan.Dims.Hkv.ToCSharp()}, {plan.Dims.Hq.ToCSharp()});");
        }

        foreach (var operand in kernel.Parameters.Concat(new[] { plan.Output }))
        {
            var name = operand.Role == OperandRole.Output ? "output" : operand.Name;
            writer.Line($"        global::TensorDsl.Runtime.KernelGuard.SpanLength({EmitNames.Literal(name)}, {Elements(name, plan.ShapeOf(operand))}, @{name}.Length);");
        }

        writer.Line($"        global::TensorDsl.Runtime.KernelGuard.OptionalSpanLength(\"lse\", {Elements("lse", new[] { plan.Dims.B, plan.Dims.Hq, plan.Dims.Sq })}, lse.Length);");
        writer.Line("    }");
    }

    /// <summary>" (G*Hkv)" when the declaration names a role's size differently from the role, else nothing.</summary>
    private static string Named(DimExpr dim, string role) => dim.ToString() == role ? string.Empty : $" ({dim})";

    /// <summary>Each distinct product of run-time sizes, with the first parameter whose shape uses it.</summary>
    private static IEnumerable<(string Parameter, ProductDim Product)> RuntimeProducts(KernelModel kernel, DensePlan plan)
    {
        var seen = new HashSet<ProductDim>();
        foreach (var operand in kernel.Parameters.Concat(new[] { plan.Output }))
        {
            foreach (var dim in plan.ShapeOf(operand))
            {
                if (dim is ProductDim product && product.StaticValue is null && seen.Add(product))
                {
                    yield return (operand.Role == OperandRole.Output ? "output" : operand.Name, product);
                }
            }
        }
    }

    private static string Elements(string parameter, IReadOnlyList<DimExpr> shape) =>
        $"global::TensorDsl.Runtime.KernelGuard.Elements({EmitNames.Literal(parameter)}, {string.Join(", ", shape.Select(d => d.ToCSharp()))})";

    private static void WriteKernel(SourceWriter writer, KernelModel kernel, DensePlan plan)
    {
        var d = plan.Dims;
        var q = kernel.Find(OperandRole.Query)!;
        var k = kernel.Find(OperandRole.Key)!;
        var v = kernel.Find(OperandRole.Value)!;
        writer.Line($"    public static void Kernel({Parameters(kernel)})");
        writer.Line("    {");
        var w = new Indented(writer, 2);
        Size(w, "__nB", d.B);
        Size(w, "__nHq", d.Hq);
        Size(w, "__nHkv", d.Hkv);
        Size(w, "__nSq", d.Sq);
        Size(w, "__nSk", d.Sk);
        Size(w, "__nD", d.D);
        w.Line("if (__nB == 0 || __nHq == 0 || __nSq == 0) return;");
        w.Line("int __group = __nHq / __nHkv;");
        if (!kernel.Steps.Any(s => s is ScaleStepModel))
        {
            w.Line(d.D.StaticValue is { } dv
                ? $"const float __defaultScale = {EmitNames.Float((float)(1.0 / System.Math.Sqrt(dv)))}; // 1/sqrt(D)"
                : "float __defaultScale = (float)(1.0 / global::System.Math.Sqrt(__nD)); // 1/sqrt(D)");
        }

        w.Line("float[]? __rented = null;");
        w.Line("global::System.Span<float> __scratch = __nD <= 512");
        w.Line("    ? stackalloc float[2 * 512]");
        w.Line("    : (__rented = global::System.Buffers.ArrayPool<float>.Shared.Rent(2 * __nD));");
        w.Line("global::System.Span<float> __qRow = __scratch.Slice(0, __nD);");
        w.Line("global::System.Span<float> __acc = __scratch.Slice(__nD, __nD);");
        w.Line("try");
        w.Line("{");
        w.Depth++;
        w.Line("for (int __b = 0; __b < __nB; __b++)");
        w.Line("for (int __h = 0; __h < __nHq; __h++)");
        w.Line("{");
        w.Depth++;
        w.Line("int __kvh = __h / __group;");
        w.Line("for (int __i = 0; __i < __nSq; __i++)");
        w.Line("{");
        w.Depth++;
        w.Line("int __p = __nSk - __nSq + __i; // bottom-right aligned absolute position");
        w.Line($"int __qBase = {RowBase(q.Layout, "__b", "__h", "__i", "__nHq", "__nSq")};");
        w.Line($"for (int __x = 0; __x < __nD; __x++) __qRow[__x] = (float)@{q.Name}[__qBase + __x];");
        WriteVisibleRange(w, kernel);
        w.Line("float __m = float.NegativeInfinity, __l = 0f;");
        w.Line("__acc.Clear();");
        w.Line("for (int __j = __jLo; __j <= __jHi; __j++)");
        w.Line("{");
        w.Depth++;
        var predicateIndex = 0;
        foreach (var mask in kernel.Masks.OfType<PredicateMaskModel>())
        {
            w.Line($"if (!Mask{predicateIndex++}(__b, __h, __p, __j)) continue;");
        }

        w.Line($"int __kBase = {RowBase(k.Layout, "__b", "__kvh", "__j", "__nHkv", "__nSk")};");
        w.Line("float __s = 0f;");
        w.Line($"for (int __x = 0; __x < __nD; __x++) __s += __qRow[__x] * (float)@{k.Name}[__kBase + __x];");
        WriteSteps(w, kernel, plan);
        w.Line("if (float.IsNegativeInfinity(__s)) continue; // e^-inf adds nothing; an all -inf row counts as empty");
        w.Line("float __mNew = global::System.MathF.Max(__m, __s); // NaN propagates");
        w.Line("float __correction = global::System.MathF.Exp(__m - __mNew);");
        w.Line("float __weight = global::System.MathF.Exp(__s - __mNew);");
        // acc holds the softmax-weighted mean so far, not the raw sum: the sum of up to Sk rows of V could overflow
        // fp32 where the mean does not.
        w.Line("float __lNew = __l * __correction + __weight;");
        w.Line("float __carry = __l * __correction / __lNew, __take = __weight / __lNew;");
        w.Line("__l = __lNew;");
        w.Line($"int __vBase = {RowBase(v.Layout, "__b", "__kvh", "__j", "__nHkv", "__nSk")};");
        w.Line($"for (int __x = 0; __x < __nD; __x++) __acc[__x] = __acc[__x] * __carry + __take * (float)@{v.Name}[__vBase + __x];");
        w.Line("__m = __mNew;");
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
        w.Line("    if (__rented is not null) global::System.Buffers.ArrayPool<float>.Shared.Return(__rented);");
        w.Line("}");
        writer.Line("    }");
    }

    private static void Size(Indented w, string name, DimExpr dim) =>
        w.Line(dim.StaticValue is { } value ? $"const int {name} = {value};" : $"int {name} = {dim.ToCSharp()};");

    /// <summary>Flat index of element 0 of row (batch, head, position) in a dense layout.</summary>
    private static string RowBase(OperandLayout layout, string batch, string head, string position, string heads, string length) =>
        layout == OperandLayout.Bshd
            ? $"(({batch} * {length} + {position}) * {heads} + {head}) * __nD"
            : $"(({batch} * {heads} + {head}) * {length} + {position}) * __nD";

    /// <summary>Narrows the key loop to what causal/window/chunk masks allow, so masked keys are never computed.</summary>
    private static void WriteVisibleRange(Indented w, KernelModel kernel)
    {
        w.Line("long __lo = 0, __hi = __nSk - 1;");
        foreach (var mask in kernel.Masks)
        {
            switch (mask)
            {
                case CausalMaskModel:
                    w.Line("__hi = global::System.Math.Min(__hi, (long)__p);");
                    break;
                case WindowMaskModel window:
                    w.Line($"__lo = global::System.Math.Max(__lo, (long)__p - {window.Left}L);");
                    w.Line($"__hi = global::System.Math.Min(__hi, (long)__p + {window.Right}L);");
                    break;
                case ChunkedMaskModel chunk:
                    w.Line($"long __chunkStart = (__p >= 0 ? __p / {chunk.Size} : (__p + 1) / {chunk.Size} - 1) * (long){chunk.Size};");
                    w.Line("__lo = global::System.Math.Max(__lo, __chunkStart);");
                    w.Line($"__hi = global::System.Math.Min(__hi, __chunkStart + {chunk.Size - 1}L);");
                    break;
            }
        }

        w.Line("int __jLo = (int)__lo, __jHi = __hi < __lo ? (int)__lo - 1 : (int)__hi;");
    }

    private static void WriteSteps(Indented w, KernelModel kernel, DensePlan plan)
    {
        if (!kernel.Steps.Any(s => s is ScaleStepModel))
        {
            w.Line("__s *= __defaultScale;");
        }

        var modifierIndex = 0;
        foreach (var step in kernel.Steps)
        {
            switch (step)
            {
                case ScaleStepModel scale:
                    w.Line($"__s *= {EmitNames.Float(scale.Scale)};");
                    break;
                case SoftcapStepModel softcap:
                    w.Line($"__s = {EmitNames.Float(softcap.Cap)} * global::System.MathF.Tanh(__s / {EmitNames.Float(softcap.Cap)});");
                    break;
                case BiasStepModel bias:
                    w.Line($"__s += (float)@{bias.Operand}[{BiasIndex(kernel.Parameters.First(p => p.Name == bias.Operand), plan)}];");
                    break;
                case AlibiStepModel alibi:
                    w.Line($"__s += @{alibi.Operand}[__h] * (float)(__j - __p);");
                    break;
                case ModifierStepModel:
                    w.Line($"__s = Modifier{modifierIndex++}(__b, __h, __p, __j, __s);");
                    break;
            }
        }
    }

    /// <summary>Bias index with size-1 dimensions broadcast (their index is 0, known at compile time).</summary>
    private static string BiasIndex(OperandModel bias, DensePlan plan)
    {
        var indices = new[] { "__b", "__h", "__i", "__j" };
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
        w.Line($"int __oBase = {RowBase(o.Layout, "__b", "__h", "__i", "__nHq", "__nSq")};");
        w.Line("int __lseIndex = (__b * __nHq + __h) * __nSq + __i;");
        w.Line("if (__l == 0f)");
        w.Line("{");
        w.Line("    // No visible key: output 0 and LSE -inf, never NaN (sinks included).");
        w.Line($"    for (int __x = 0; __x < __nD; __x++) output[__oBase + __x] = ({element})0f;");
        w.Line("    if (!lse.IsEmpty) lse[__lseIndex] = float.NegativeInfinity;");
        w.Line("    continue;");
        w.Line("}");
        if (kernel.Sinks is { } sinks)
        {
            w.Line($"float __sink = @{sinks}[__h];");
            w.Line("float __mAll = global::System.MathF.Max(__m, __sink);");
            w.Line("float __keep = global::System.MathF.Exp(__m - __mAll);");
            w.Line("float __denominator = __l * __keep + global::System.MathF.Exp(__sink - __mAll);");
            w.Line("float __factor = __l * __keep / __denominator; // acc is normalised by l; the sink joins the denominator");
            w.Line("if (!lse.IsEmpty) lse[__lseIndex] = __mAll + global::System.MathF.Log(__denominator);");
        }
        else
        {
            w.Line("const float __factor = 1f; // acc is already normalised");
            w.Line("if (!lse.IsEmpty) lse[__lseIndex] = __m + global::System.MathF.Log(__l);");
        }

        w.Line($"for (int __x = 0; __x < __nD; __x++) output[__oBase + __x] = ({element})(__acc[__x] * __factor);");
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
