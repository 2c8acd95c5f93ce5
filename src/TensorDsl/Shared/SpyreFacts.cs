// Compiled into the runtime and into the generator and analyzers (TENSORDSL_FRONTEND), so the attribute's defaults,
// the analyzer's rules (TDSL0031, TDSL0033) and the runtime's checks are one definition (docs/design.md,
// "Where does X live").
#if TENSORDSL_FRONTEND
namespace TensorDsl.FrontEnd.Model;
#else
namespace TensorDsl.Spyre;
#endif

/// <summary>The Spyre target's fixed numbers: its stick and the default buckets of the reference design.</summary>
internal static class SpyreFacts
{
    /// <summary>fp16 elements in one 128-byte stick, the device's innermost unit: D and the KV bucket are multiples of it.</summary>
    public const int StickElements = 64;

    /// <summary>The reference design's KV bucket: L padded to a multiple of 256.</summary>
    public const int DefaultKvBucket = 256;

    /// <summary>The reference design's query padding: each sequence's rows padded to a multiple of 32.</summary>
    public const int DefaultQueryPadding = 32;

    /// <summary>
    /// Why <paramref name="kvBucket"/> cannot be a KV bucket for pages of <paramref name="blockSize"/> tokens, or null:
    /// L is the mask's stick dimension (whole sticks) and is gathered in whole pages.
    /// </summary>
    public static string? KvBucketProblem(int kvBucket, long blockSize) =>
        kvBucket > 0 && kvBucket % StickElements == 0 && kvBucket % blockSize == 0
            ? null
            : $"must be a positive multiple of {StickElements} (the mask's stick dimension holds L) and of BlockSize = {blockSize} (whole pages per bucket)";
}
