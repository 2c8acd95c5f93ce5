using System;
using System.Collections.Generic;

namespace TensorDsl.Spyre;

/// <summary>
/// The device inputs of one batch, prepared by <see cref="SpyreHost.Prepare"/>: fp16 <c>q [B·Hkv, G, Qp, D]</c>,
/// <c>k, v [B·Hkv, 1, L, D]</c>, the additive mask <c>[B·Hkv, 1, Qp, L]</c> (0 / −65504) and the int32
/// <c>token_rows [T]</c> (row of token <c>t</c> in the program's <c>[B·Qp]</c> rows, the way back to flat
/// <c>[T, Hq, D]</c>). <c>B</c> here is the padded batch. The buffers are reused across calls and grow only when a
/// batch needs more, so preparing a batch allocates nothing once warm.
/// </summary>
public sealed class SpyreInputs
{
    private Half[] _query = Array.Empty<Half>();
    private Half[] _key = Array.Empty<Half>();
    private Half[] _value = Array.Empty<Half>();
    private Half[] _mask = Array.Empty<Half>();
    private int[] _tokenRows = Array.Empty<int>();
    private int[] _tokenIds = Array.Empty<int>();

    public SpyreKernelSpec Spec { get; private set; } = null!;

    /// <summary>Sequences in the batch (before padding).</summary>
    public int Sequences { get; private set; }

    /// <summary>The program's batch (padded by the bucketing's batch rule).</summary>
    public int Batch { get; private set; }

    public int Qp { get; private set; }

    public int L { get; private set; }

    /// <summary>Query tokens this launch computes (<c>T</c> of the batch, or of the launch's sequences in a step).</summary>
    public int Tokens { get; private set; }

    /// <summary>Query tokens of the whole step the launch belongs to (the length of the flat output's first dimension).</summary>
    public int StepTokens { get; private set; }

    public int QueryElements => Batch * Spec.QueryHeads * Qp * Spec.HeadSize;

    public int KvElements => Batch * Spec.KvHeads * L * Spec.HeadSize;

    public int MaskElements => Batch * Spec.KvHeads * Qp * L;

    /// <summary>Elements of the program's output <c>[B·Hkv, G, Qp, D]</c> (the query's).</summary>
    public int OutputElements => QueryElements;

    public Span<Half> Query => _query.AsSpan(0, QueryElements);

    public Span<Half> Key => _key.AsSpan(0, KvElements);

    public Span<Half> Value => _value.AsSpan(0, KvElements);

    public Span<Half> Mask => _mask.AsSpan(0, MaskElements);

    public Span<int> TokenRows => _tokenRows.AsSpan(0, Tokens);

    /// <summary>int32 <c>[T]</c>: the step's token index (row of flat <c>[T, Hq, D]</c>) of each of this launch's tokens.</summary>
    public Span<int> TokenIds => _tokenIds.AsSpan(0, Tokens);

    /// <summary>The static shape this batch runs.</summary>
    public SpyreVariant Variant => new(Batch, Qp, L);

    /// <summary>The program's shapes, host order.</summary>
    public int[] QueryShape => new[] { Batch * Spec.KvHeads, Spec.Group, Qp, Spec.HeadSize };

    public int[] KvShape => new[] { Batch * Spec.KvHeads, 1, L, Spec.HeadSize };

    public int[] MaskShape => new[] { Batch * Spec.KvHeads, 1, Qp, L };

    /// <summary>The device layouts of the program's inputs (q, k, v, mask, token_rows) and output.</summary>
    public IReadOnlyList<SpyreTensorLayout> Layouts() => new[]
    {
        SpyreTensorLayout.Generic("q", "float16", QueryShape),
        SpyreTensorLayout.Generic("k", "float16", KvShape),
        SpyreTensorLayout.Generic("v", "float16", KvShape),
        SpyreTensorLayout.Generic("mask", "float16", MaskShape),
        SpyreTensorLayout.Generic("token_rows", "int32", Tokens),
        SpyreTensorLayout.Generic("out", "float16", QueryShape),
    };

    /// <summary>Bytes sent to the device for this batch: q, k, v, mask (fp16, stick-padded) and token_rows.</summary>
    public long BytesToDevice()
    {
        long total = 0;
        foreach (var layout in Layouts())
        {
            if (layout.Name != "out")
            {
                total += layout.DeviceBytes;
            }
        }

        return total;
    }

    internal void Reset(SpyreKernelSpec spec, int sequences, int batch, int qp, int l, int tokens, int stepTokens)
    {
        StepTokens = stepTokens;
        Spec = spec;
        Sequences = sequences;
        Batch = batch;
        Qp = qp;
        L = l;
        Tokens = tokens;
        CheckSize(spec, batch, qp, l);
        long q = (long)batch * spec.QueryHeads * qp * spec.HeadSize;
        long kv = (long)batch * spec.KvHeads * l * spec.HeadSize;
        long m = (long)batch * spec.KvHeads * qp * l;

        Grow(ref _query, (int)q);
        Grow(ref _key, (int)kv);
        Grow(ref _value, (int)kv);
        Grow(ref _mask, (int)m);
        Grow(ref _tokenRows, tokens);
        Grow(ref _tokenIds, tokens);
    }

    /// <summary>Throws when a program of this shape has a tensor larger than an array can hold.</summary>
    internal static void CheckSize(SpyreKernelSpec spec, int batch, int qp, int l)
    {
        long q = (long)batch * spec.QueryHeads * qp * spec.HeadSize;
        long kv = (long)batch * spec.KvHeads * l * spec.HeadSize;
        long m = (long)batch * spec.KvHeads * qp * l;
        if (Math.Max(q, Math.Max(kv, m)) > Array.MaxLength)
        {
            throw new ShapeException("batch", "device tensor", $"≤ {Array.MaxLength} elements", Math.Max(q, Math.Max(kv, m)));
        }
    }

    private static void Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<T>(length);
        }
    }
}
