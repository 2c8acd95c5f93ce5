using System.Collections.Generic;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.FrontEnd.Lowering;

/// <summary>What one target can lower: a yes, or the reason it cannot.</summary>
internal interface ITargetCapability
{
    Targets Target { get; }

    /// <summary>The target's name in messages.</summary>
    string Name { get; }

    /// <summary>Null when the target lowers the plan; otherwise why not, as a sentence fragment for TDSL0015.</summary>
    string? WhyNot(KernelPlan plan);
}

/// <summary>
/// The one place that says which target lowers what. The analyzers report its refusals (TDSL0015) and the generator
/// emits exactly the targets it accepts, so the IDE and the build can never disagree.
/// </summary>
internal static class TargetRegistry
{
    /// <summary>Side-input slots the CPU runtime offers to score steps (bias and ALiBi operands).</summary>
    public const int CpuSideInputSlots = CpuFacts.SideInputSlots;

    public static readonly IReadOnlyList<ITargetCapability> All = new ITargetCapability[] { new Cpu(), new Spyre() };

    /// <summary>The requested targets this plan can be lowered to.</summary>
    public static Targets Lowerable(KernelPlan plan)
    {
        Targets result = 0;
        foreach (var target in All)
        {
            if ((plan.Targets & target.Target) != 0 && target.WhyNot(plan) is null)
            {
                result |= target.Target;
            }
        }

        return result;
    }

    /// <summary>A TDSL0015 warning for every requested target that cannot lower the plan.</summary>
    public static IEnumerable<DiagnosticInfo> Refusals(KernelPlan plan, KernelModel model)
    {
        var location = model.Location;
        foreach (var target in All)
        {
            if ((plan.Targets & target.Target) == 0)
            {
                continue;
            }

            if (target.Target == Targets.Spyre)
            {
                // Spyre's refusals are specific (TDSL0031–0034, or TDSL0015 for a layout it cannot take), each where it
                // is written; the budget warning (TDSL0035) does not stop lowering.
                foreach (var diagnostic in SpyreRules.Check(plan, model))
                {
                    yield return diagnostic;
                }

                continue;
            }

            if (target.WhyNot(plan) is { } reason)
            {
                yield return Diagnose.TargetCannotLower(location, target.Name, plan.Identity.TypeName, reason);
            }
        }
    }

    private sealed class Cpu : ITargetCapability
    {
        public Targets Target => Targets.Cpu;

        public string Name => "CPU";

        public string? WhyNot(KernelPlan plan) => plan.SideInputs.Count > CpuSideInputSlots
            ? $"it reads {plan.SideInputs.Count} bias/ALiBi operands and the CPU kernel offers {CpuSideInputSlots} side-input slots; add the biases into one tensor"
            : null;
    }

    private sealed class Spyre : ITargetCapability
    {
        public Targets Target => Targets.Spyre;

        public string Name => "Spyre";

        public string? WhyNot(KernelPlan plan) => SpyreRules.WhyNot(plan);
    }
}
