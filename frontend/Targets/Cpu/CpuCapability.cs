using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.FrontEnd.Cpu;

/// <summary>The CPU target: lowers every plan whose bias/ALiBi operands fit the runtime's side-input slots.</summary>
internal sealed class CpuCapability : TargetCapability
{
    public override Targets Target => Targets.Cpu;

    public override string Name => "CPU";

    public override string? WhyNot(KernelPlan plan) => plan.SideInputs.Count > CpuFacts.SideInputSlots
        ? $"it reads {plan.SideInputs.Count} bias/ALiBi operands and the CPU kernel offers {CpuFacts.SideInputSlots} side-input slots; add the biases into one tensor"
        : null;
}
