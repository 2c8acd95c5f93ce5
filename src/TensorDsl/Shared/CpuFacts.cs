// Compiled into the runtime and into the generator and analyzers (TENSORDSL_FRONTEND): the registry refuses a kernel
// the runtime could not feed, from the same number (docs/design.md, "Where does X live").
#if TENSORDSL_FRONTEND
namespace TensorDsl.FrontEnd.Model;
#else
namespace TensorDsl.Cpu;
#endif

/// <summary>The CPU target's fixed numbers.</summary>
internal static class CpuFacts
{
    /// <summary>
    /// Side-input slots of <c>ScoreInputs</c> (bias and ALiBi tensors a kernel's score steps read). The runtime's
    /// fields <c>Side0</c>…<c>Side3</c> are unrolled (a ref struct of spans the driver pins one by one); a test holds
    /// their count equal to this number.
    /// </summary>
    public const int SideInputSlots = 4;
}
