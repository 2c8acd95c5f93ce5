using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Cpu;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;
using TensorDsl.FrontEnd.Solver;
using TensorDsl.FrontEnd.Spyre;

namespace TensorDsl.FrontEnd.Lowering;

/// <summary>
/// The one place that lists the targets and says which lowers what. The analyzers report their refusals and the
/// generator emits exactly the targets they accept, so the IDE and the build can never disagree. Adding a target adds
/// one line here (docs/design.md, "Adding a target").
/// </summary>
internal static class TargetRegistry
{
    public static readonly IReadOnlyList<TargetCapability> All = new TargetCapability[] { new CpuCapability(), new SpyreCapability() };

    /// <summary>The common plan, extended by every requested target that needs more (<see cref="TargetPlan"/>).</summary>
    public static KernelPlan Plan(CheckedKernel checkedKernel)
    {
        var plan = KernelPlanner.Plan(checkedKernel);
        var extensions = All
            .Where(target => (plan.Targets & target.Target) != 0)
            .Select(target => target.Extend(checkedKernel.Model, plan))
            .OfType<TargetPlan>()
            .ToEquatableArray();
        return plan with { TargetPlans = extensions };
    }

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

    /// <summary>Every requested target's diagnostics for the plan: its refusals, each where it is written, and warnings.</summary>
    public static IEnumerable<DiagnosticInfo> Refusals(KernelPlan plan, KernelModel model) =>
        All.Where(target => (plan.Targets & target.Target) != 0).SelectMany(target => target.Check(plan, model));
}
