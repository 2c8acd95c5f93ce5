using System;

namespace TensorDsl;

/// <summary>
/// Marks a <c>static partial</c> class as an attention kernel. The class declares exactly one static method whose
/// expression body is the attention expression; the generator adds <c>Run</c> (fused CPU kernel) and
/// <c>Reference</c> (eager fp64 oracle) to the class.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AttentionKernelAttribute : Attribute
{
    public AttentionKernelAttribute(Targets targets = Targets.Cpu) => Targets = targets;

    public Targets Targets { get; }

    /// <summary>Spyre target: KV lengths are padded to a multiple of this (default 256; a multiple of 64 and of the block size).</summary>
    public int SpyreKvBucket { get; set; } = Spyre.SpyreFacts.DefaultKvBucket;

    /// <summary>Spyre target: query lengths are padded to a multiple of this (default 32).</summary>
    public int SpyreQueryPadding { get; set; } = Spyre.SpyreFacts.DefaultQueryPadding;

    /// <summary>Spyre target: the serving limit <c>max_num_seqs</c> the variant budget is checked against (0: not declared).</summary>
    public int SpyreMaxNumSeqs { get; set; }

    /// <summary>Spyre target: the serving limit <c>max_model_len</c> the variant budget is checked against (0: not declared).</summary>
    public int SpyreMaxModelLen { get; set; }

    /// <summary>Spyre target: warn (TDSL0035) when the bucket plan for the declared limits has more static shapes than this (0: no budget).</summary>
    public int SpyreVariantBudget { get; set; }
}

/// <summary>
/// The shape of a kernel parameter or of its result, as comma-separated dimensions: a name (<c>B</c>, <c>Sq</c>,
/// or a <c>const int</c> of the kernel class), a literal size (<c>128</c>), or a product (<c>G*Hkv</c>).
/// The same name means the same size everywhere in the kernel; names that are not constants become
/// <c>int</c> parameters of the generated entry points.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.ReturnValue, AllowMultiple = false)]
public sealed class ShapeAttribute : Attribute
{
    public ShapeAttribute(string dims) => Dims = dims;

    public string Dims { get; }
}
