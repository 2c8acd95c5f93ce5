using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.Generators.Cpu;
using TensorDsl.Generators.Emit;
using TensorDsl.Generators.Spyre;

namespace TensorDsl.Generators;

/// <summary>
/// The emit side of the target registry: one emitter per target, in the order their entry points appear. What a
/// target can lower is decided by the front end's <c>TargetRegistry</c> (shared with the analyzers); this list only
/// says who writes it. A new target adds its folder under Targets/ and a row here (docs/design.md, "Adding a target").
/// </summary>
internal static class TargetEmitters
{
    private static readonly ITargetEmitter[] All = { new CpuTarget(), new SpyreTarget() };

    /// <summary>The emitters of the targets in <paramref name="targets"/>.</summary>
    public static IReadOnlyList<ITargetEmitter> For(Targets targets) => All.Where(e => (targets & e.Target) != 0).ToList();
}
