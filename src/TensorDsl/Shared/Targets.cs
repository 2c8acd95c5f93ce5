// Compiled into the runtime (public) and into the generator and analyzers (internal, TENSORDSL_FRONTEND), so both
// sides read one definition of the target bits.
using System;

#if TENSORDSL_FRONTEND
namespace TensorDsl.FrontEnd.Model;
#else
namespace TensorDsl;
#endif

/// <summary>The targets a kernel is compiled for.</summary>
[Flags]
#if TENSORDSL_FRONTEND
internal
#else
public
#endif
enum Targets
{
    /// <summary>The fused CPU kernel (<c>Run</c>).</summary>
    Cpu = 1,

    /// <summary>The Spyre program (host preparation + device program) for paged fp16 kernels: docs/spyre.md.</summary>
    Spyre = 2,
}

/// <summary>Every target bit defined (an attribute with any other bit is TDSL0028).</summary>
internal static class KnownTargets
{
    public const Targets All = Targets.Cpu | Targets.Spyre;
}
