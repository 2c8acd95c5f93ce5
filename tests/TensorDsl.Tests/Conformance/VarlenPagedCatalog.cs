using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// The inputs of one varlen or paged call in the kernel's element type: q <c>[T, Hq, D]</c>, K/V either flat tokens
/// <c>[Σ seq_lens, Hkv, D]</c> (varlen) or separate caches <c>[N, BlockSize, Hkv, D]</c> (paged), the side inputs and
/// the metadata. The same object goes to Run and to Reference.
/// </summary>
public sealed class VarlenInputs<T>
    where T : unmanaged
{
    public required VarlenBatch Batch { get; init; }
    public int Hq { get; init; }
    public int Hkv { get; init; }
    public int D { get; init; }
    public T[] Q { get; init; } = Array.Empty<T>();
    public T[] K { get; init; } = Array.Empty<T>();
    public T[] V { get; init; } = Array.Empty<T>();
    public float[] Slopes { get; init; } = Array.Empty<float>();
    public float[] Sinks { get; init; } = Array.Empty<float>();

    public PagedBatch Paged => (PagedBatch)Batch;

    public VarlenInputs<T> With(T[] k, T[] v, VarlenBatch? batch = null) => new()
    {
        Batch = batch ?? Batch, Hq = Hq, Hkv = Hkv, D = D, Q = Q, K = k, V = v, Slopes = Slopes, Sinks = Sinks,
    };
}

public delegate void VarlenRun<T>(VarlenInputs<T> inputs, Span<T> output, Span<float> lse, HeadRange? heads)
    where T : unmanaged;

public delegate void VarlenReference<T>(VarlenInputs<T> inputs, Span<T> output, Span<float> lse)
    where T : unmanaged;

public delegate void StackedRun<T>(VarlenInputs<T> inputs, ReadOnlySpan<T> kvCache, KvCacheLayout layout, Span<T> output, Span<float> lse, HeadRange? heads)
    where T : unmanaged;

public delegate void CacheWrite<T>(VarlenInputs<T> inputs, ReadOnlySpan<T> key, ReadOnlySpan<T> value, Span<T> keyCache, Span<T> valueCache)
    where T : unmanaged;

public delegate void StackedCacheWrite<T>(VarlenInputs<T> inputs, ReadOnlySpan<T> key, ReadOnlySpan<T> value, Span<T> kvCache, KvCacheLayout layout)
    where T : unmanaged;

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

    public abstract Type Element { get; }

    public string Name => Traits.Name;

    /// <summary>Runs one batch through Reference and Run and checks every rule; throws on a violation.</summary>
    public abstract void Check(VarlenCase c);

    public override string ToString() => Name;
}

public sealed class VarlenEntry<T> : VarlenEntry
    where T : unmanaged
{
    public VarlenEntry(KernelTraits traits, int blockSize, VarlenRun<T> run, VarlenReference<T> reference,
        StackedRun<T>? runStacked = null, CacheWrite<T>? writeCache = null, StackedCacheWrite<T>? writeCacheStacked = null)
        : base(traits, blockSize)
    {
        Run = run;
        Reference = reference;
        RunStacked = runStacked;
        WriteCache = writeCache;
        WriteCacheStacked = writeCacheStacked;
    }

    public VarlenRun<T> Run { get; }
    public VarlenReference<T> Reference { get; }
    public StackedRun<T>? RunStacked { get; }
    public CacheWrite<T>? WriteCache { get; }
    public StackedCacheWrite<T>? WriteCacheStacked { get; }

    public override Type Element => typeof(T);

    public override void Check(VarlenCase c) => VarlenHarness.Check(this, c);
}

/// <summary>Every varlen and paged kernel of the suite by name (entries in VarlenPagedCatalog.Entries.cs).</summary>
internal static partial class VarlenPagedCatalog
{
    private static readonly Dictionary<string, VarlenEntry> Entries = Build();

    public static VarlenEntry Get(string name) =>
        Entries.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"No varlen/paged kernel named '{name}'.");

    public static VarlenEntry<T> Get<T>(string name)
        where T : unmanaged => (VarlenEntry<T>)Get(name);

    public static IEnumerable<VarlenEntry> All => Entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal);

    public static IEnumerable<VarlenEntry> Paged => All.Where(e => e.IsPaged);

    public static IEnumerable<VarlenEntry> Varlen => All.Where(e => !e.IsPaged);

    private static Dictionary<string, VarlenEntry>? _building;

    private static Dictionary<string, VarlenEntry> Build()
    {
        _building = new Dictionary<string, VarlenEntry>(StringComparer.Ordinal);
        AddPagedKernels();
        AddVarlenKernels();
        var result = _building;
        _building = null;
        return result;
    }

    private static void AddPaged<T>(KernelTraits traits, int blockSize, VarlenRun<T> run, StackedRun<T> runStacked,
        VarlenReference<T> reference, CacheWrite<T> writeCache, StackedCacheWrite<T> writeCacheStacked)
        where T : unmanaged =>
        _building!.Add(traits.Name, new VarlenEntry<T>(traits, blockSize, run, reference, runStacked, writeCache, writeCacheStacked));

    private static void AddVarlen<T>(KernelTraits traits, VarlenRun<T> run, VarlenReference<T> reference)
        where T : unmanaged =>
        _building!.Add(traits.Name, new VarlenEntry<T>(traits, 0, run, reference));


    private static int FloorDiv(int value, int divisor) => KernelTraits.FloorDiv(value, divisor);
}
