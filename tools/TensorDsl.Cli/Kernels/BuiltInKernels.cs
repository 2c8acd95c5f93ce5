namespace TensorDsl.Cli.Kernels;

public static partial class BuiltInKernels
{
    /// <summary>The sliding-window kernel's window (keys p - 255 .. p): a DSL constant, fixed at compile time.</summary>
    public const int Window = 256;

    /// <summary>The softcap kernel's cap (Gemma-2's attention logit softcap).</summary>
    public const float SoftcapValue = 50f;

    /// <summary>The paged kernel's block size (vLLM's default): a DSL constant, fixed at compile time.</summary>
    public const int PagedBlockSize = 16;
}
