using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// The inputs of one varlen or paged call: q <c>[T, Hq, D]</c> in the query's element type <typeparamref name="TQ"/>
/// (the output's too), K/V in the KV cache's <typeparamref name="TKV"/> — either flat tokens <c>[Σ seq_lens, Hkv, D]</c>
/// (varlen) or separate caches <c>[N, BlockSize, Hkv, D]</c> (paged) — the side inputs and the metadata. The same
/// object goes to Run and to Reference.
/// </summary>
public sealed class VarlenInputs<TQ, TKV>
    where TQ : unmanaged
    where TKV : unmanaged
{
    public required VarlenBatch Batch { get; init; }
    public int Hq { get; init; }
    public int Hkv { get; init; }
    public int D { get; init; }
    public TQ[] Q { get; init; } = Array.Empty<TQ>();
    public TKV[] K { get; init; } = Array.Empty<TKV>();
    public TKV[] V { get; init; } = Array.Empty<TKV>();
    public float[] Slopes { get; init; } = Array.Empty<float>();
    public float[] Sinks { get; init; } = Array.Empty<float>();

    public PagedBatch Paged => (PagedBatch)Batch;

    public VarlenInputs<TQ, TKV> With(TKV[] k, TKV[] v, VarlenBatch? batch = null) => new()
    {
        Batch = batch ?? Batch, Hq = Hq, Hkv = Hkv, D = D, Q = Q, K = k, V = v, Slopes = Slopes, Sinks = Sinks,
    };
}

public delegate void VarlenRun<TQ, TKV>(VarlenInputs<TQ, TKV> inputs, Span<TQ> output, Span<float> lse, HeadRange? heads)
    where TQ : unmanaged
    where TKV : unmanaged;

public delegate void VarlenReference<TQ, TKV>(VarlenInputs<TQ, TKV> inputs, Span<TQ> output, Span<float> lse)
    where TQ : unmanaged
    where TKV : unmanaged;

public delegate void StackedRun<TQ, TKV>(VarlenInputs<TQ, TKV> inputs, ReadOnlySpan<TKV> kvCache, KvCacheLayout layout, Span<TQ> output, Span<float> lse, HeadRange? heads)
    where TQ : unmanaged
    where TKV : unmanaged;

/// <summary>WriteCache: the new keys and values and the caches all have the KV cache's type.</summary>
public delegate void CacheWrite<TQ, TKV>(VarlenInputs<TQ, TKV> inputs, ReadOnlySpan<TKV> key, ReadOnlySpan<TKV> value, Span<TKV> keyCache, Span<TKV> valueCache)
    where TQ : unmanaged
    where TKV : unmanaged;

public delegate void StackedCacheWrite<TQ, TKV>(VarlenInputs<TQ, TKV> inputs, ReadOnlySpan<TKV> key, ReadOnlySpan<TKV> value, Span<TKV> kvCache, KvCacheLayout layout)
    where TQ : unmanaged
    where TKV : unmanaged;

/// <summary>A registered varlen or paged kernel; <see cref="BlockSize"/> is 0 for a varlen (token K/V) kernel.</summary>
public abstract class VarlenEntry
{
    protected VarlenEntry(KernelTraits traits, int blockSize)
    {
        Traits = traits;
        BlockSize = blockSize;
    }

    public KernelTraits Traits { get; }

    public int BlockSize { get; }

    public bool IsPaged => BlockSize > 0;

    /// <summary>The query's and the output's element type.</summary>
    public abstract Type Element { get; }

    /// <summary>The keys' and values' element type (the KV cache's); <see cref="Element"/> unless the kernel mixes them.</summary>
    public abstract Type KvElement { get; }

    public string Name => Traits.Name;

    /// <summary>Runs one batch through Reference and Run and checks every rule; throws on a violation.</summary>
    public abstract void Check(VarlenCase c);

    public override string ToString() => Name;
}

public sealed class VarlenEntry<TQ, TKV> : VarlenEntry
    where TQ : unmanaged
    where TKV : unmanaged
{
    public VarlenEntry(KernelTraits traits, int blockSize, VarlenRun<TQ, TKV> run, VarlenReference<TQ, TKV> reference,
        StackedRun<TQ, TKV>? runStacked = null, CacheWrite<TQ, TKV>? writeCache = null, StackedCacheWrite<TQ, TKV>? writeCacheStacked = null)
        : base(traits, blockSize)
    {
        Run = run;
        Reference = reference;
        RunStacked = runStacked;
        WriteCache = writeCache;
        WriteCacheStacked = writeCacheStacked;
    }

    public VarlenRun<TQ, TKV> Run { get; }
    public VarlenReference<TQ, TKV> Reference { get; }
    public StackedRun<TQ, TKV>? RunStacked { get; }
    public CacheWrite<TQ, TKV>? WriteCache { get; }
    public StackedCacheWrite<TQ, TKV>? WriteCacheStacked { get; }

    public override Type Element => typeof(TQ);

    public override Type KvElement => typeof(TKV);

    public override void Check(VarlenCase c) => VarlenHarness.Check(this, c);
}

/// <summary>Every varlen and paged kernel of the suite by name (entries in VarlenPagedCatalog.Entries.cs).</summary>
internal static partial class VarlenPagedCatalog
{
    private static readonly Dictionary<string, VarlenEntry> Entries = Build();

    public static VarlenEntry Get(string name) =>
        Entries.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"No varlen/paged kernel named '{name}'.");

    public static VarlenEntry<TQ, TKV> Get<TQ, TKV>(string name)
        where TQ : unmanaged
        where TKV : unmanaged => (VarlenEntry<TQ, TKV>)Get(name);

    public static IEnumerable<VarlenEntry> All => Entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal);

    public static IEnumerable<VarlenEntry> Paged => All.Where(e => e.IsPaged);

    public static IEnumerable<VarlenEntry> Varlen => All.Where(e => !e.IsPaged);

    private static Dictionary<string, VarlenEntry>? _building;

    private static Dictionary<string, VarlenEntry> Build()
    {
        _building = new Dictionary<string, VarlenEntry>(StringComparer.Ordinal);
        AddPagedKernels();
        AddVarlenKernels();
        AddMixedKvKernels();
        var result = _building;
        _building = null;
        return result;
    }

    /// <summary>A paged kernel whose q, K/V and output share one element type.</summary>
    private static void AddPaged<T>(KernelTraits traits, int blockSize, VarlenRun<T, T> run, StackedRun<T, T> runStacked,
        VarlenReference<T, T> reference, CacheWrite<T, T> writeCache, StackedCacheWrite<T, T> writeCacheStacked)
        where T : unmanaged => AddPaged<T, T>(traits, blockSize, run, runStacked, reference, writeCache, writeCacheStacked);

    /// <summary>A paged kernel with query/output type <typeparamref name="TQ"/> over a cache of <typeparamref name="TKV"/>.</summary>
    private static void AddPaged<TQ, TKV>(KernelTraits traits, int blockSize, VarlenRun<TQ, TKV> run, StackedRun<TQ, TKV> runStacked,
        VarlenReference<TQ, TKV> reference, CacheWrite<TQ, TKV> writeCache, StackedCacheWrite<TQ, TKV> writeCacheStacked)
        where TQ : unmanaged
        where TKV : unmanaged =>
        _building!.Add(traits.Name, new VarlenEntry<TQ, TKV>(traits, blockSize, run, reference, runStacked, writeCache, writeCacheStacked));

    private static void AddVarlen<T>(KernelTraits traits, VarlenRun<T, T> run, VarlenReference<T, T> reference)
        where T : unmanaged => AddVarlen<T, T>(traits, run, reference);

    private static void AddVarlen<TQ, TKV>(KernelTraits traits, VarlenRun<TQ, TKV> run, VarlenReference<TQ, TKV> reference)
        where TQ : unmanaged
        where TKV : unmanaged =>
        _building!.Add(traits.Name, new VarlenEntry<TQ, TKV>(traits, 0, run, reference));


    private static int FloorDiv(int value, int divisor) => KernelTraits.FloorDiv(value, divisor);
}
