// In the root namespace, as HeadRange (see there).
namespace TensorDsl;

/// <summary>How one span holds both the key and the value cache (each <c>[N, BlockSize, H, D]</c>).</summary>
public enum KvCacheLayout
{
    /// <summary><c>[N, 2, BlockSize, H, D]</c>: each block holds its keys then its values (vLLM CPU and Spyre backends).</summary>
    BlocksFirst,

    /// <summary><c>[2, N, BlockSize, H, D]</c>: the whole key cache, then the whole value cache.</summary>
    KvFirst,
}
