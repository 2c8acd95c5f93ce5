using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// The names the generated implementation uses for a kernel's tensors and sizes. They are chosen by role (<c>q</c>,
/// <c>k</c>, <c>v</c>, <c>side0</c>, <c>size0</c>, …), never copied from the user's code, so no user name can shadow or
/// collide with anything inside it; user names survive only in exception messages.
/// </summary>
internal sealed class ImplementationNames
{
    private readonly Dictionary<string, string> _tensors = new(System.StringComparer.Ordinal);

    public ImplementationNames(KernelPlan plan)
    {
        Plan = plan;
        Sizes = new SizeNames(plan.RuntimeSizes);
        foreach (var input in plan.Inputs)
        {
            _tensors[input.Name] = input.Role switch
            {
                OperandRole.Query => "q",
                OperandRole.Key => "k",
                OperandRole.Value => "v",
                OperandRole.Sinks => "sinks",
                _ => "side" + plan.SideInputs.First(s => s.Operand == input.Name).Slot.ToString(CultureInfo.InvariantCulture),
            };
        }

        _tensors["output"] = "output";
        _tensors["lse"] = "lse";
    }

    public KernelPlan Plan { get; }

    public SizeNames Sizes { get; }

    /// <summary>The implementation's span for a tensor named as in the declaration (or <c>output</c>/<c>lse</c>).</summary>
    public string Tensor(string declaredName) => _tensors[declaredName];

    public string Tensor(OperandPlan operand) => _tensors[operand.Name];
}
