using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Solver;

namespace TensorDsl.FrontEnd.Plan;

/// <summary>
/// Decides, once per kernel, everything the targets need (<see cref="KernelPlan"/>). Runs only on models the
/// checks accepted: every size relation it relies on was verified or turned into a run-time guard by the solver.
/// </summary>
internal static class KernelPlanner
{
    public static KernelPlan Plan(CheckedKernel checkedKernel)
    {
        var kernel = checkedKernel.Model;
        var q = kernel.Find(OperandRole.Query)!;
        var k = kernel.Find(OperandRole.Key)!;
        var v = kernel.Find(OperandRole.Value)!;
        var qa = RoleAxes.Of(q)!;
        var ka = RoleAxes.Of(k)!;
        var va = RoleAxes.Of(v)!;
        var batch = qa.IsDense ? BatchKind.Dense : k.Layout == Layout.Pages ? BatchKind.Paged : BatchKind.Varlen;
        var sizes = new SizePlan(qa.Heads, ka.Heads, qa.HeadSize, va.HeadSize, qa.Batch, qa.Sequence, ka.Sequence, qa.Tokens, ka.Tokens, ka.Blocks, ka.BlockSize);

        var inputs = kernel.Parameters.Select(p => Operand(p, sizes)).ToList();
        var output = Operand(kernel.Output with { Shape = OutputShape(kernel.Output, sizes) }, sizes);
        var sides = SideInputs(kernel, inputs);
        var runtime = RuntimeSizes(kernel, q, k, batch);
        var lse = batch == BatchKind.Dense ? new[] { sizes.B!, sizes.Hq, sizes.Sq! } : new[] { sizes.Hq, sizes.T! };
        return new KernelPlan(
            new KernelIdentity(kernel.Namespace, kernel.TypeChain, kernel.MethodName, kernel.ExpressionText, kernel.Location.FilePath, kernel.Marks),
            kernel.Targets,
            batch,
            inputs.ToEquatableArray(),
            output,
            sizes,
            runtime.ToEquatableArray(),
            Guards.For(kernel, checkedKernel.Checks, inputs, output, sizes, runtime, batch, lse).ToEquatableArray(),
            ScoreSteps(kernel, sizes, sides).ToEquatableArray(),
            Masks(kernel),
            sides.ToEquatableArray(),
            kernel.Sinks,
            lse.ToEquatableArray());
    }

    private static OperandPlan Operand(OperandModel operand, SizePlan sizes)
    {
        var shape = operand.Shape.Count > 0 || operand.Layout != Layout.PerHead
            ? operand.Shape
            : new[] { sizes.Hq }.ToEquatableArray(); // a per-head operand declared without a shape is [Hq]
        // The axes by meaning from the one layout table (LayoutAxes); bias and per-head operands have none and are read
        // through side-input slots.
        Addressing? addressing = RoleAxes.Of(operand with { Shape = shape }) is { } axes
            ? new Addressing(axes.Heads, axes.HeadSize, axes.Sequence, axes.BlockSize)
            : null;
        return new OperandPlan(operand.Name, operand.Role, operand.Layout, operand.Element, shape, addressing);
    }

    /// <summary>The declared output shape, or the one the expression yields, in the output's layout order.</summary>
    private static EquatableArray<DimExpr> OutputShape(OperandModel output, SizePlan sizes)
    {
        if (output.Shape.Count > 0)
        {
            return output.Shape;
        }

        return (output.Layout switch
        {
            Layout.Bshd => new[] { sizes.B!, sizes.Sq!, sizes.Hq, sizes.Dv },
            Layout.Tokens => new[] { sizes.T!, sizes.Hq, sizes.Dv },
            _ => new[] { sizes.B!, sizes.Hq, sizes.Sq!, sizes.Dv },
        }).ToEquatableArray();
    }

    /// <summary>
    /// Every size name that is not a constant, in order of first appearance. Token kernels read the query token count
    /// from the batch, the KV token count from <c>Σ seq_lens</c> and the block count from the cache's length, so the
    /// caller never passes what the metadata already says.
    /// </summary>
    private static List<RuntimeSize> RuntimeSizes(KernelModel kernel, OperandModel q, OperandModel k, BatchKind batch)
    {
        var derived = new Dictionary<string, RuntimeSizeSource>(System.StringComparer.Ordinal);
        if (batch != BatchKind.Dense)
        {
            Derive(derived, q.Shape[0], RuntimeSizeSource.QueryTokens);
            Derive(derived, k.Shape[0], batch == BatchKind.Paged ? RuntimeSizeSource.CacheBlocks : RuntimeSizeSource.KvTokens);
        }

        return kernel.Parameters.Concat(new[] { kernel.Output })
            .SelectMany(p => p.Shape)
            .SelectMany(d => d.RuntimeNames)
            .Distinct()
            .Select(name => new RuntimeSize(name, derived.TryGetValue(name, out var source) ? source : RuntimeSizeSource.Argument))
            .ToList();
    }

    private static void Derive(Dictionary<string, RuntimeSizeSource> derived, DimExpr dim, RuntimeSizeSource source)
    {
        if (dim is NamedDim { ConstantValue: null } named && !derived.ContainsKey(named.Name))
        {
            derived[named.Name] = source;
        }
    }

    /// <summary>Bias and ALiBi operands in the order the steps read them, one side-input slot each.</summary>
    private static List<SideInputPlan> SideInputs(KernelModel kernel, List<OperandPlan> inputs)
    {
        var sides = new List<SideInputPlan>();
        foreach (var step in kernel.Steps)
        {
            var (name, kind) = step switch
            {
                BiasStepModel bias => (bias.Operand, SideInputKind.Bias),
                AlibiStepModel alibi => (alibi.Operand, SideInputKind.PerHead),
                _ => (null, SideInputKind.Bias),
            };
            if (name is not null && sides.All(s => s.Operand != name))
            {
                var operand = inputs.First(p => p.Name == name);
                sides.Add(new SideInputPlan(sides.Count, kind, name, operand.Element, operand.Shape));
            }
        }

        return sides;
    }

    /// <summary>
    /// The score steps in source order, each the new score as a function of the old one; without an explicit scale the
    /// default <c>1/sqrt(D)</c> goes first (folded to a float when D is a constant).
    /// </summary>
    private static List<ScalarExpr> ScoreSteps(KernelModel kernel, SizePlan sizes, List<SideInputPlan> sides)
    {
        var score = new VariableExpr(ScalarVariable.Score);
        var steps = new List<ScalarExpr>();
        if (!kernel.Steps.Any(step => step is ScaleStepModel))
        {
            ScalarExpr factor = sizes.D.StaticValue is { } d
                ? Float((float)(1.0 / System.Math.Sqrt(d)))
                : new VariableExpr(ScalarVariable.DefaultScale);
            steps.Add(new BinaryExpr(BinaryOperator.Multiply, score, factor));
        }

        foreach (var step in kernel.Steps)
        {
            steps.Add(step switch
            {
                ScaleStepModel scale => new BinaryExpr(BinaryOperator.Multiply, score, Float(scale.Scale)),
                SoftcapStepModel softcap => new BinaryExpr(
                    BinaryOperator.Multiply,
                    Float(softcap.Cap),
                    new CallExpr(MathLibrary.MathF, "Tanh", new[] { ScalarType.Single }.ToEquatableArray(),
                        new ScalarExpr[] { new BinaryExpr(BinaryOperator.Divide, score, Float(softcap.Cap)) }.ToEquatableArray())),
                BiasStepModel bias => new BinaryExpr(BinaryOperator.Add, score, Side(sides, bias.Operand)),
                AlibiStepModel alibi => new BinaryExpr(
                    BinaryOperator.Add,
                    score,
                    new BinaryExpr(
                        BinaryOperator.Multiply,
                        Side(sides, alibi.Operand),
                        new CastExpr(ScalarType.Single, new BinaryExpr(BinaryOperator.Subtract, new VariableExpr(ScalarVariable.Key), new VariableExpr(ScalarVariable.Position))))),
                ModifierStepModel modifier => modifier.Lambda.Body,
                _ => throw new System.InvalidOperationException("Unknown score step " + step),
            });
        }

        return steps;
    }

    private static SideInputExpr Side(List<SideInputPlan> sides, string operand)
    {
        var side = sides.First(s => s.Operand == operand);
        return new SideInputExpr(side.Kind, side.Slot, side.Element);
    }

    private static ConstantExpr Float(float value) =>
        new(ScalarType.Single, value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Causal, the intersection of the sliding windows and the first chunk size fold into a key range; a second chunk
    /// size and the custom predicates stay predicates.
    /// </summary>
    private static MaskPlan Masks(KernelModel kernel)
    {
        bool causal = false, hasWindow = false;
        int left = int.MaxValue, right = int.MaxValue, chunk = 0;
        var predicates = new List<ScalarExpr>();
        foreach (var mask in kernel.Masks)
        {
            switch (mask)
            {
                case CausalMaskModel:
                    causal = true;
                    break;
                case WindowMaskModel window:
                    hasWindow = true;
                    left = System.Math.Min(left, window.Left);
                    right = System.Math.Min(right, window.Right);
                    break;
                case ChunkedMaskModel chunked when chunk == 0 || chunk == chunked.Size:
                    chunk = chunked.Size;
                    break;
                case ChunkedMaskModel chunked:
                    var size = new ConstantExpr(ScalarType.Int32, chunked.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    predicates.Add(new BinaryExpr(
                        BinaryOperator.Equal,
                        new BinaryExpr(BinaryOperator.FloorDivide, new VariableExpr(ScalarVariable.Key), size),
                        new BinaryExpr(BinaryOperator.FloorDivide, new VariableExpr(ScalarVariable.Position), size)));
                    break;
                case PredicateMaskModel predicate:
                    predicates.Add(predicate.Lambda.Body);
                    break;
            }
        }

        return hasWindow || causal || chunk != 0 || predicates.Count > 0
            ? new MaskPlan(causal, hasWindow, hasWindow ? left : 0, hasWindow ? right : 0, chunk, predicates.ToEquatableArray())
            : MaskPlan.None;
    }
}
