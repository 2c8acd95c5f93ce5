using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// A target's part of a generated file (docs/design.md, "Adding a target"). The shared writers call targets only
/// through this interface, and the generator hands them the emitters of the targets the registry lowers
/// (<see cref="TensorDsl.Generators.TargetEmitters"/>), so emit never names a target and a new one adds a folder and a
/// registry row, nothing else.
/// </summary>
internal interface ITargetEmitter
{
    /// <summary>The target bit this emitter writes for.</summary>
    Targets Target { get; }

    /// <summary>
    /// Whether the target's entry points take the stacked KV cache, so the shared implementation also writes the
    /// stacked form of <c>Validate</c>.
    /// </summary>
    bool TakesStackedCache { get; }

    /// <summary>
    /// The target's public entry points in the user's partial type. With <paramref name="failure"/> (a refused kernel),
    /// each body only throws it (<see cref="EntryPointWriter.StubBody"/>); a target whose members describe a working
    /// kernel (sizes, a program) writes nothing then.
    /// </summary>
    void WriteEntryPoints(IndentedWriter writer, KernelPlan plan, string? failure);

    /// <summary>The target's members of the file-local implementation class (never written for a refused kernel).</summary>
    void WriteImplementation(IndentedWriter writer, ImplementationNames names);
}
