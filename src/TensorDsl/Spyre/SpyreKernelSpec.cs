using System;

namespace TensorDsl.Spyre;

/// <summary>
/// What the Spyre host preparation, the emulator and the bucket plan need to know about one kernel; the generator
/// writes one per kernel declared with <c>Targets.Spyre</c> (the kernel's <c>SpyreSpec</c>). Masks are the key
/// range of docs/semantics.md: bottom-right causal, a sliding window (<c>WindowLeft</c>/<c>WindowRight</c>, −1 when
/// absent) and a chunk (0 when absent).
/// </summary>
public sealed record SpyreKernelSpec
{
    /// <summary>fp16 elements per 128-byte stick.</summary>
    /// <summary>fp16 elements in one 128-byte stick (docs/spyre.md#constraints).</summary>
    public const int StickElements = SpyreFacts.StickElements;

    /// <summary>
    /// Why <paramref name="kvBucket"/> cannot be a KV bucket for pages of <paramref name="blockSize"/> tokens, or null: the
    /// one rule the analyzer (TDSL0033), the tool and the runtime share.
    /// </summary>
    public static string? KvBucketProblem(int kvBucket, int blockSize) => SpyreFacts.KvBucketProblem(kvBucket, blockSize);

    public SpyreKernelSpec(
        int queryHeads, int kvHeads, int headSize, int blockSize, float scale,
        bool causal = false, int windowLeft = -1, int windowRight = -1, int chunk = 0, SpyreBucketing? bucketing = null)
    {
        Require(queryHeads > 0, nameof(queryHeads), queryHeads, "> 0");
        Require(kvHeads > 0 && queryHeads % kvHeads == 0, nameof(kvHeads), kvHeads, $"> 0 and dividing Hq = {queryHeads}");
        Require(headSize > 0 && headSize % StickElements == 0, nameof(headSize), headSize, "a positive multiple of 64 (one 128-byte stick of fp16)");
        Require(blockSize > 0, nameof(blockSize), blockSize, "> 0");
        Require(chunk >= 0, nameof(chunk), chunk, "≥ 0");
        Require(windowLeft >= -1 && windowRight >= -1, nameof(windowLeft), windowLeft, "≥ −1 (−1: no bound)");
        if (!float.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be finite.");
        }

        QueryHeads = queryHeads;
        KvHeads = kvHeads;
        HeadSize = headSize;
        BlockSize = blockSize;
        Scale = scale;
        Causal = causal;
        WindowLeft = windowLeft;
        WindowRight = windowRight;
        Chunk = chunk;
        Bucketing = bucketing ?? SpyreBucketing.Reference;
    }

    public int QueryHeads { get; init; }

    public int KvHeads { get; init; }

    /// <summary>Query heads per KV head: <c>G = Hq / Hkv</c>.</summary>
    public int Group => QueryHeads / KvHeads;

    public int HeadSize { get; init; }

    public int BlockSize { get; init; }

    public float Scale { get; init; }

    public bool Causal { get; init; }

    public int WindowLeft { get; init; }

    public int WindowRight { get; init; }

    public int Chunk { get; init; }

    /// <summary>The buckets; a bucket that does not hold whole pages of <see cref="BlockSize"/> is refused (TDSL0033's rule).</summary>
    public SpyreBucketing Bucketing
    {
        get => _bucketing;
        init
        {
            if (SpyreFacts.KvBucketProblem(value.KvBucket, BlockSize) is { } problem)
            {
                throw new ArgumentOutOfRangeException(nameof(Bucketing), value.KvBucket, "The KV bucket " + problem + ".");
            }

            _bucketing = value;
        }
    }

    private readonly SpyreBucketing _bucketing = SpyreBucketing.Reference;

    /// <summary>
    /// Whether the host preparation subtracts a reference key — the mean of the sequence's keys, per KV head — from
    /// every key it gathers (docs/spyre.md#stable-large-logits). Softmax is invariant to a shift of a row by a constant,
    /// and <c>q·(k − r) = q·k − q·r</c> shifts every score of a row by the same <c>q·r</c>, so the result is unchanged in
    /// real arithmetic while the 16-bit scores shrink to their spread. On by default; off reproduces the reference design.
    /// </summary>
    public bool ShiftKeys { get; init; } = true;

    /// <summary>
    /// The mask as the CPU kernels apply it: one definition of key visibility (floor division for chunks,
    /// docs/semantics.md), so the host's mask and the CPU kernels can never disagree. An absent window side is unbounded.
    /// </summary>
    public TensorDsl.Cpu.KeyMask KeyMask => new(
        Causal, WindowLeft >= 0 || WindowRight >= 0,
        WindowLeft >= 0 ? WindowLeft : int.MaxValue, WindowRight >= 0 ? WindowRight : int.MaxValue, System.Math.Max(Chunk, 0));

    /// <summary>Is key <paramref name="j"/> visible from absolute position <paramref name="p"/> of a sequence of <paramref name="kvLength"/> keys.</summary>
    public bool Visible(int p, int j, int kvLength) => (uint)j < (uint)kvLength && KeyMask.IsVisible(p, j);

    private static void Require(bool ok, string name, int value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be {expected}.");
        }
    }
}
