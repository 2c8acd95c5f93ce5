using System.Collections.Generic;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.FrontEnd.Spyre;

/// <summary>
/// The Spyre target (docs/spyre.md): paged fp16 kernels whose program is scale, q @ kᵀ, + mask, softmax, @ v. Its
/// rules are <see cref="SpyreRules"/>; its plan extension is <see cref="SpyreLowering"/>.
/// </summary>
internal sealed class SpyreCapability : TargetCapability
{
    public override Targets Target => Targets.Spyre;

    public override string Name => "Spyre";

    public override string? WhyNot(KernelPlan plan) => SpyreRules.WhyNot(plan);

    /// <summary>Spyre's refusals are specific (TDSL0031–0034, or TDSL0015 for a layout it cannot take), each where it is
    /// written; the budget warning (TDSL0035) does not stop lowering.</summary>
    public override IEnumerable<DiagnosticInfo> Check(KernelPlan plan, KernelModel model) => SpyreRules.Check(plan, model);

    /// <summary>
    /// The scale (the product of the expression's scales, or the default 1/sqrt(D)) and what the program cannot
    /// express, one phrase per feature.
    /// </summary>
    public override TargetPlan Extend(KernelModel model, KernelPlan plan)
    {
        var unsupported = new List<string>();
        double scale = 1;
        bool scaled = false;
        foreach (var step in model.Steps)
        {
            switch (step)
            {
                case ScaleStepModel s:
                    scale *= s.Scale;
                    scaled = true;
                    break;
                case SoftcapStepModel:
                    unsupported.Add("softcap (a tanh between q @ kᵀ and the mask)");
                    break;
                case BiasStepModel b:
                    unsupported.Add($"the bias tensor '{b.Operand}'");
                    break;
                case AlibiStepModel a:
                    unsupported.Add($"ALiBi slopes '{a.Operand}'");
                    break;
                case ModifierStepModel:
                    unsupported.Add("a ScoreMod lambda");
                    break;
            }
        }

        foreach (var mask in model.Masks)
        {
            if (mask is PredicateMaskModel)
            {
                unsupported.Add("a Mask lambda (the host builds masks from the causal/window/chunk key range only)");
            }
        }

        if (model.Sinks is { } sinks)
        {
            unsupported.Add($"softmax sinks '{sinks}'");
        }

        if (!scaled)
        {
            scale = plan.Sizes.D.StaticValue is { } d && d > 0 ? (float)(1.0 / System.Math.Sqrt(d)) : 1;
        }

        return new SpyreLowering((float)scale, SpyreSettings.Of(model).WithoutOffsets(), unsupported.ToEquatableArray());
    }
}
