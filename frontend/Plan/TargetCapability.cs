using System.Collections.Generic;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Plan;

/// <summary>
/// What the target needs beyond the common plan, decided once by its <see cref="TargetCapability.Extend"/> and kept in
/// <see cref="KernelPlan.TargetPlans"/> (equatable, like the rest of the plan).
/// </summary>
internal abstract record TargetPlan;

/// <summary>
/// A target as the front end sees it: whether it lowers a plan, why not (located diagnostics for the analyzers), and its
/// plan extension. One subclass per target under frontend/Targets/, listed in <c>Lowering.TargetRegistry</c>; the
/// generator's emitters are its other half (generators/…/Targets/). Nothing else in the front end names a target.
/// </summary>
internal abstract class TargetCapability
{
    public abstract Targets Target { get; }

    /// <summary>The target's name in messages.</summary>
    public abstract string Name { get; }

    /// <summary>Null when the target lowers the plan; otherwise why not, as a sentence fragment for TDSL0015.</summary>
    public abstract string? WhyNot(KernelPlan plan);

    /// <summary>The target's own view of the kernel (its settings, what it folds), or null when it needs none.</summary>
    public virtual TargetPlan? Extend(KernelModel model, KernelPlan plan) => null;

    /// <summary>
    /// The analyzers' diagnostics for a plan the target cannot lower (or lowers with a warning), located in
    /// <paramref name="model"/>; by default one TDSL0015 on the kernel.
    /// </summary>
    public virtual IEnumerable<DiagnosticInfo> Check(KernelPlan plan, KernelModel model)
    {
        if (WhyNot(plan) is { } reason)
        {
            yield return Diagnose.TargetCannotLower(model.Location, Name, plan.Identity.TypeName, reason);
        }
    }
}
