using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;
using TensorDsl.Generators.Emit;

namespace TensorDsl.Generators.Spyre;

/// <summary>
/// The Spyre target (docs/spyre.md): its entry points describe a working kernel (its spec, its PyTorch program, the
/// host preparation that forwards to the runtime's <c>SpyreHost</c>), so a refused kernel gets none; it adds nothing
/// to the implementation class.
/// </summary>
internal sealed class SpyreTarget : ITargetEmitter
{
    public Targets Target => Targets.Spyre;

    public bool TakesStackedCache => false;

    public void WriteEntryPoints(IndentedWriter writer, KernelPlan plan, string? failure)
    {
        if (failure is null)
        {
            SpyreEmitter.WriteEntryPoints(writer, plan);
        }
    }

    public void WriteImplementation(IndentedWriter writer, ImplementationNames names)
    {
    }
}
