using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Cli.Npy;

namespace TensorDsl.Cli.Kernels;

public enum Engine
{
    /// <summary>The generated fused CPU kernel.</summary>
    Cpu,

    /// <summary>The same declaration on the eager fp64 reference engine.</summary>
    Reference,
}

/// <summary>A user mistake in the inputs (a shape, a type, missing metadata): the message is one line for the user.</summary>
public sealed class InputException(string message) : Exception(message);

/// <summary>An option value the parser accepts but the command cannot use (exit code 2, one line): the message names the option.</summary>
public sealed class UsageException(string message) : Exception(message);

internal delegate void DenseKernel<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, Span<T> output, int b, int hq, int sq, int d, int hkv, int sk, Span<float> lse);

internal delegate void PagedKernel<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, Span<T> output, PagedBatch batch, int hq, int d, int hkv, Span<float> lse);

/// <summary>The inputs of one run, as read from the .npy files.</summary>
public sealed record KernelInputs(NpyArray Q, NpyArray K, NpyArray V, NpyArray? QueryStartLoc, NpyArray? SeqLens, NpyArray? BlockTable);

/// <summary>What a run produced: the output in q's element type and the log-sum-exp (float32).</summary>
public sealed record KernelOutputs(NpyArray Output, NpyArray Lse);

/// <summary>One built-in kernel: its name, what it computes, and how to run it on .npy inputs.</summary>
public abstract class BuiltInKernel
{
    private protected BuiltInKernel(string name, string summary)
    {
        Name = name;
        Summary = summary;
    }

    public string Name { get; }

    public string Summary { get; }

    public abstract bool IsPaged { get; }

    /// <summary>The inputs the kernel takes, for help texts.</summary>
    public abstract string Layout { get; }

    public abstract KernelOutputs Run(KernelInputs inputs, Engine engine);

    private protected static NpyType CommonType(KernelInputs inputs)
    {
        foreach (var (name, array) in new[] { ("q", inputs.Q), ("k", inputs.K), ("v", inputs.V) })
        {
            if (array.Type is not (NpyType.Float32 or NpyType.Float16))
            {
                throw new InputException($"--{name} is {NpyArray.Describe(array.Type)}; q, k and v must be float32 or float16");
            }
        }

        if (inputs.K.Type != inputs.Q.Type || inputs.V.Type != inputs.Q.Type)
        {
            throw new InputException($"q, k and v must have one element type, but q is {NpyArray.Describe(inputs.Q.Type)}, k {NpyArray.Describe(inputs.K.Type)} and v {NpyArray.Describe(inputs.V.Type)}");
        }

        return inputs.Q.Type;
    }

    private protected static void Rank(string name, NpyArray array, int rank, string dims)
    {
        if (array.Shape.Length != rank)
        {
            throw new InputException($"--{name} has shape {array.ShapeText} but must be [{dims}] (rank {rank})");
        }
    }

    private protected static void Same(string what, string leftName, int left, string rightName, int right)
    {
        if (left != right)
        {
            throw new InputException($"{what} differs: {leftName} = {left} but {rightName} = {right}");
        }
    }

    private protected static void Heads(int hq, int hkv)
    {
        if (hkv == 0 || hq % hkv != 0)
        {
            throw new InputException($"the query heads must be a multiple of the KV heads, but q has Hq = {hq} and k has Hkv = {hkv}");
        }
    }
}

internal sealed class DenseBuiltIn(string name, string summary, DenseKernel<float> runF32, DenseKernel<float> referenceF32, DenseKernel<Half> runF16, DenseKernel<Half> referenceF16)
    : BuiltInKernel(name, summary)
{
    public override bool IsPaged => false;

    public override string Layout => "--q [B, Hq, Sq, D], --k and --v [B, Hkv, Sk, D]; out [B, Hq, Sq, D]";

    public override KernelOutputs Run(KernelInputs inputs, Engine engine)
    {
        var type = CommonType(inputs);
        Rank("q", inputs.Q, 4, "B, Hq, Sq, D");
        Rank("k", inputs.K, 4, "B, Hkv, Sk, D");
        Rank("v", inputs.V, 4, "B, Hkv, Sk, D");
        int b = inputs.Q.Shape[0], hq = inputs.Q.Shape[1], sq = inputs.Q.Shape[2], d = inputs.Q.Shape[3];
        int hkv = inputs.K.Shape[1], sk = inputs.K.Shape[2];
        Same("the batch size", "q's B", b, "k's B", inputs.K.Shape[0]);
        Same("the head size", "q's D", d, "k's D", inputs.K.Shape[3]);
        Heads(hq, hkv);
        if (!inputs.V.Shape.SequenceEqual(inputs.K.Shape))
        {
            throw new InputException($"--v has shape {inputs.V.ShapeText} but must match --k {inputs.K.ShapeText}");
        }

        var lse = new float[b * hq * sq];
        if (type == NpyType.Float32)
        {
            var output = new float[b * hq * sq * d];
            (engine == Engine.Cpu ? runF32 : referenceF32)(inputs.Q.AsFloat32(), inputs.K.AsFloat32(), inputs.V.AsFloat32(), output, b, hq, sq, d, hkv, sk, lse);
            return new(NpyArray.Create(output, b, hq, sq, d), NpyArray.Create(lse, b, hq, sq));
        }
        else
        {
            var output = new Half[b * hq * sq * d];
            (engine == Engine.Cpu ? runF16 : referenceF16)(inputs.Q.AsFloat16(), inputs.K.AsFloat16(), inputs.V.AsFloat16(), output, b, hq, sq, d, hkv, sk, lse);
            return new(NpyArray.Create(output, b, hq, sq, d), NpyArray.Create(lse, b, hq, sq));
        }
    }
}

/// <summary>
/// A paged kernel. <paramref name="heads"/>: the kernel's constant (Hq, Hkv, D) when it has them (a Spyre kernel: its
/// shapes are static), checked against the inputs; such a kernel is float16 only (null float32 delegates).
/// </summary>
internal sealed class PagedBuiltIn(string name, string summary, PagedKernel<float>? runF32, PagedKernel<float>? referenceF32, PagedKernel<Half> runF16, PagedKernel<Half> referenceF16, (int Hq, int Hkv, int D)? heads = null)
    : BuiltInKernel(name, summary)
{
    public override bool IsPaged => true;

    public override string Layout => heads is { } h
        ? $"float16 --q [T, {h.Hq}, {h.D}], --k and --v paged caches [N, {BuiltInKernels.PagedBlockSize}, {h.Hkv}, {h.D}]; int32 --query-start-loc [B + 1], --seq-lens [B], --block-table [B, max_blocks]; out [T, {h.Hq}, {h.D}]"
        : $"--q [T, Hq, D], --k and --v paged caches [N, {BuiltInKernels.PagedBlockSize}, Hkv, D]; int32 --query-start-loc [B + 1], --seq-lens [B], --block-table [B, max_blocks]; out [T, Hq, D]";

    public override KernelOutputs Run(KernelInputs inputs, Engine engine)
    {
        var type = CommonType(inputs);
        if (type == NpyType.Float32 && runF32 is null)
        {
            throw new InputException($"'{Name}' takes float16 q, k and v only (its Spyre program computes in fp16), but they are float32");
        }
        Rank("q", inputs.Q, 3, "T, Hq, D");
        Rank("k", inputs.K, 4, $"N, {BuiltInKernels.PagedBlockSize}, Hkv, D");
        Rank("v", inputs.V, 4, $"N, {BuiltInKernels.PagedBlockSize}, Hkv, D");
        int t = inputs.Q.Shape[0], hq = inputs.Q.Shape[1], d = inputs.Q.Shape[2], hkv = inputs.K.Shape[2];
        Same("the block size", "the kernel's BlockSize", BuiltInKernels.PagedBlockSize, "k's block size", inputs.K.Shape[1]);
        Same("the head size", "q's D", d, "k's D", inputs.K.Shape[3]);
        Heads(hq, hkv);
        if (heads is { } fixedHeads)
        {
            Same("the number of query heads", $"'{Name}''s Hq", fixedHeads.Hq, "q's Hq", hq);
            Same("the number of KV heads", $"'{Name}''s Hkv", fixedHeads.Hkv, "k's Hkv", hkv);
            Same("the head size", $"'{Name}''s D", fixedHeads.D, "q's D", d);
        }

        if (!inputs.V.Shape.SequenceEqual(inputs.K.Shape))
        {
            throw new InputException($"--v has shape {inputs.V.ShapeText} but must match --k {inputs.K.ShapeText}");
        }

        var queryStartLoc = Metadata("query-start-loc", inputs.QueryStartLoc, 1);
        var seqLens = Metadata("seq-lens", inputs.SeqLens, 1);
        var blockTable = Metadata("block-table", inputs.BlockTable, 2);
        Same("the number of sequences", "--seq-lens' length", seqLens.Shape[0], "--block-table's rows", blockTable.Shape[0]);
        Same("the number of sequences", "--query-start-loc's length - 1", queryStartLoc.Shape[0] - 1, "--seq-lens' length", seqLens.Shape[0]);

        PagedBatch batch;
        try
        {
            batch = PagedBatch.Create(queryStartLoc.ToInt32("--query-start-loc"), seqLens.ToInt32("--seq-lens"), blockTable.ToInt32("--block-table"), blockTable.Shape[1]);
        }
        catch (ArgumentException e)
        {
            throw new InputException("the vLLM metadata is invalid: " + FirstLine(e.Message));
        }

        var lse = new float[hq * t];
        if (type == NpyType.Float32)
        {
            var output = new float[t * hq * d];
            (engine == Engine.Cpu ? runF32 : referenceF32)!(inputs.Q.AsFloat32(), inputs.K.AsFloat32(), inputs.V.AsFloat32(), output, batch, hq, d, hkv, lse);
            return new(NpyArray.Create(output, t, hq, d), NpyArray.Create(lse, hq, t));
        }
        else
        {
            var output = new Half[t * hq * d];
            (engine == Engine.Cpu ? runF16 : referenceF16)(inputs.Q.AsFloat16(), inputs.K.AsFloat16(), inputs.V.AsFloat16(), output, batch, hq, d, hkv, lse);
            return new(NpyArray.Create(output, t, hq, d), NpyArray.Create(lse, hq, t));
        }
    }

    private static NpyArray Metadata(string name, NpyArray? array, int rank)
    {
        if (array is null)
        {
            throw new InputException($"the paged kernel needs --{name} (int32 or int64 vLLM metadata)");
        }

        if (array.Type is not (NpyType.Int32 or NpyType.Int64))
        {
            throw new InputException($"--{name} is {NpyArray.Describe(array.Type)} but vLLM metadata must be int32 or int64");
        }

        if (array.Shape.Length != rank)
        {
            throw new InputException($"--{name} has shape {array.ShapeText} but must have rank {rank}");
        }

        return array;
    }

    internal static string FirstLine(string message) => message.Split('\n')[0].Trim();
}

public static partial class BuiltInKernels
{
    /// <summary>Every built-in kernel, by name.</summary>
    public static IReadOnlyList<BuiltInKernel> All { get; } = new BuiltInKernel[]
    {
        new DenseBuiltIn("dense", "dense MHA/GQA, no mask (MHA when Hq = Hkv)",
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => DenseF32.Run(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => DenseF32.Reference(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => DenseF16.Run(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => DenseF16.Reference(q, k, v, o, b, hq, sq, d, hkv, sk, lse)),
        new DenseBuiltIn("dense-causal", "dense MHA/GQA, causal (bottom-right aligned)",
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => DenseCausalF32.Run(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => DenseCausalF32.Reference(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => DenseCausalF16.Run(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => DenseCausalF16.Reference(q, k, v, o, b, hq, sq, d, hkv, sk, lse)),
        new DenseBuiltIn("sliding-window", $"dense MHA/GQA, causal sliding window of {Window} keys (p - {Window - 1} .. p)",
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => SlidingWindowF32.Run(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => SlidingWindowF32.Reference(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => SlidingWindowF16.Run(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => SlidingWindowF16.Reference(q, k, v, o, b, hq, sq, d, hkv, sk, lse)),
        new DenseBuiltIn("softcap", $"dense MHA/GQA, causal, logits softcapped at {SoftcapValue:0} (Gemma-2)",
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => SoftcapF32.Run(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => SoftcapF32.Reference(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => SoftcapF16.Run(q, k, v, o, b, hq, sq, d, hkv, sk, lse),
            (q, k, v, o, b, hq, sq, d, hkv, sk, lse) => SoftcapF16.Reference(q, k, v, o, b, hq, sq, d, hkv, sk, lse)),
        new PagedBuiltIn("paged", $"paged varlen GQA on vLLM v1 metadata, causal, block size {PagedBlockSize}",
            (q, k, v, o, batch, hq, d, hkv, lse) => PagedF32.Run(q, k, v, o, batch, hq, d, hkv, lse),
            (q, k, v, o, batch, hq, d, hkv, lse) => PagedF32.Reference(q, k, v, o, batch, hq, d, hkv, lse),
            (q, k, v, o, batch, hq, d, hkv, lse) => PagedF16.Run(q, k, v, o, batch, hq, d, hkv, lse),
            (q, k, v, o, batch, hq, d, hkv, lse) => PagedF16.Reference(q, k, v, o, batch, hq, d, hkv, lse)),
        new PagedBuiltIn("paged-spyre", $"'paged' with Hq {PagedSpyreF16.Hq}, Hkv {PagedSpyreF16.Hkv}, D {PagedSpyreF16.D}, float16 only; also a Spyre kernel ('tensordsl spyre')",
            null,
            null,
            (q, k, v, o, batch, _, _, _, lse) => PagedSpyreF16.Run(q, k, v, o, batch, lse),
            (q, k, v, o, batch, _, _, _, lse) => PagedSpyreF16.Reference(q, k, v, o, batch, lse),
            (PagedSpyreF16.Hq, PagedSpyreF16.Hkv, PagedSpyreF16.D)),
    };

    public static BuiltInKernel? Find(string name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));
}
