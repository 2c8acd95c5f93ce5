using System;
using System.Collections.Generic;
using System.Linq;

namespace TensorDsl.Tests.Conformance;

/// <summary>How a bias operand is shaped (docs/semantics.md#bias: additive bias, broadcastable to [B, Hq, Sq, Sk]).</summary>
public enum BiasShape
{
    None,
    /// <summary><c>[B, Hq, Sq, Sk]</c>.</summary>
    Full,
    /// <summary><c>[1, Hq, 1, Sk]</c>: one row of per-key biases per head.</summary>
    HeadKey,
    /// <summary><c>[B, 1, Sq, Sk]</c>: shared by every head.</summary>
    BatchRows,
}

/// <summary>
/// What the harness must know about a kernel declaration to feed it and to judge it — all of it written here from
/// the declaration and docs/semantics.md, never read back from the generated code.
/// </summary>
public sealed class KernelTraits
{
    public KernelTraits(string name) => Name = name;

    public string Name { get; }

    public Layout QLayout { get; init; } = Layout.Bhsd;

    public Layout KvLayout { get; init; } = Layout.Bhsd;

    public Layout OutLayout { get; init; } = Layout.Bhsd;

    /// <summary>Sizes fixed by the declaration (<c>const</c> or literal); null when given at run time.</summary>
    public int? ConstHq { get; init; }

    public int? ConstHkv { get; init; }

    public int? ConstD { get; init; }

    /// <summary>A fixed ratio Hq / Hkv (declared <c>G*Hkv</c>).</summary>
    public int? FixedG { get; init; }

    /// <summary>
    /// The factor the dot product is multiplied by (for the error bound): the explicit scale, or null for the
    /// default <c>(float)(1/sqrt(D))</c>. Where a step precedes the scale, an upper bound (e.g. 1).
    /// </summary>
    public float? Scale { get; init; }

    public float? Softcap { get; init; }

    public BiasShape Bias { get; init; }

    public Type BiasElement { get; init; } = typeof(float);

    public bool Alibi { get; init; }

    public bool Sinks { get; init; }

    /// <summary>
    /// For a score modifier <c>s ↦ a·s + g(indices)</c> with <c>|a| ≤ 1</c>: a bound on <c>|g|</c> given (Sq, Sk).
    /// It enters the tolerance as one more score magnitude.
    /// </summary>
    public Func<int, int, double>? ModBound { get; init; }

    /// <summary>The mask as docs/semantics.md#masks states it: is key <c>j</c> visible to query head <c>h</c> of sequence <c>b</c> at position <c>p</c>?</summary>
    public Func<int, int, int, int, bool> Visible { get; init; } = All;

    public bool HasRuntimeHeads => ConstHq is null;

    public float EffectiveScale(int d) => Scale ?? (float)(1.0 / Math.Sqrt(d));

    public override string ToString() => Name;

    internal static readonly Func<int, int, int, int, bool> All = (b, h, p, j) => true;

    /// <summary>Floor division (C#'s <c>/</c> truncates toward zero, wrong for the negative positions of Sk &lt; Sq).</summary>
    internal static int FloorDiv(int value, int divisor) => (int)Math.Floor((double)value / divisor);
}

/// <summary>
/// The inputs of one case: q in the query's element type <typeparamref name="TQ"/> (the output's too), k and v in the
/// KV cache's <typeparamref name="TKV"/> (docs/semantics.md#element-types); the same arrays go to Run and to Reference.
/// </summary>
public sealed class KernelInputs<TQ, TKV>
    where TQ : unmanaged
    where TKV : unmanaged
{
    public int B { get; init; }
    public int Hq { get; init; }
    public int Hkv { get; init; }
    public int Sq { get; init; }
    public int Sk { get; init; }
    public int D { get; init; }
    public TQ[] Q { get; init; } = Array.Empty<TQ>();
    public TKV[] K { get; init; } = Array.Empty<TKV>();
    public TKV[] V { get; init; } = Array.Empty<TKV>();

    /// <summary>The bias in its declared element type (<see cref="KernelTraits.BiasElement"/>), or null.</summary>
    public Array? Bias { get; init; }

    public float[] Slopes { get; init; } = Array.Empty<float>();
    public float[] Sinks { get; init; } = Array.Empty<float>();

    public TB[] BiasAs<TB>() => (TB[])(Bias ?? throw new InvalidOperationException("The case has no bias."));
}

/// <summary>Calls a generated entry point (Run or Reference) on a case's inputs; the output has the query's type.</summary>
public delegate void KernelCall<TQ, TKV>(KernelInputs<TQ, TKV> inputs, Span<TQ> output, Span<float> lse)
    where TQ : unmanaged
    where TKV : unmanaged;

/// <summary>A registered kernel: its traits and the two generated entry points.</summary>
public abstract class KernelEntry
{
    protected KernelEntry(KernelTraits traits) => Traits = traits;

    public KernelTraits Traits { get; }

    /// <summary>The query's and the output's element type.</summary>
    public abstract Type Element { get; }

    /// <summary>The keys' and values' element type (the KV cache's); <see cref="Element"/> unless the kernel mixes them.</summary>
    public abstract Type KvElement { get; }

    /// <summary>Runs the case through Reference and Run and checks every docs/semantics.md rule; throws on a violation.</summary>
    public abstract CaseResult Check(ConformanceCase testCase);

    public override string ToString() => Traits.Name;
}

public sealed class KernelEntry<TQ, TKV> : KernelEntry
    where TQ : unmanaged
    where TKV : unmanaged
{
    public KernelEntry(KernelTraits traits, KernelCall<TQ, TKV> run, KernelCall<TQ, TKV> reference)
        : base(traits)
    {
        Run = run;
        Reference = reference;
    }

    public KernelCall<TQ, TKV> Run { get; }

    public KernelCall<TQ, TKV> Reference { get; }

    public override Type Element => typeof(TQ);

    public override Type KvElement => typeof(TKV);

    public override CaseResult Check(ConformanceCase testCase) => Harness.Check(this, testCase);
}

/// <summary>Every kernel of the suite by name. The entries live in KernelCatalog.*.cs, one file per Kernels/*.cs.</summary>
internal static partial class KernelCatalog
{
    private static readonly Dictionary<string, KernelEntry> Entries = Build();

    public static KernelEntry Get(string name) =>
        Entries.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"No kernel named '{name}' is registered.");

    public static IEnumerable<KernelEntry> AllKernels => Entries.Values.OrderBy(e => e.Traits.Name, StringComparer.Ordinal);

    /// <summary>Kernels whose heads and head size are all given at run time (the random cases' pool).</summary>
    public static IEnumerable<KernelEntry> RuntimeDims => AllKernels.Where(e => e.Traits.ConstHq is null && e.Traits.ConstD is null);

    /// <summary>Kernels with const Hq, Hkv and D.</summary>
    public static IEnumerable<KernelEntry> ConstDims => AllKernels.Where(e => e.Traits.ConstHq is not null && e.Traits.ConstHkv is not null && e.Traits.ConstD is not null);

    private static Dictionary<string, KernelEntry>? _building;

    private static Dictionary<string, KernelEntry> Build()
    {
        _building = new Dictionary<string, KernelEntry>(StringComparer.Ordinal);
        AddRuntimeFloat();
        AddRuntimeHalf();
        AddRuntimeBFloat16();
        AddConstFloat();
        AddConstHalf();
        AddConstBFloat16();
        AddFrontEnd();
        AddMixedKv();
        var result = _building;
        _building = null;
        return result;
    }

    /// <summary>A kernel whose q, k, v and output share one element type.</summary>
    private static void Add<T>(KernelTraits traits, KernelCall<T, T> run, KernelCall<T, T> reference)
        where T : unmanaged => Add<T, T>(traits, run, reference);

    /// <summary>A kernel with query/output type <typeparamref name="TQ"/> over a KV cache of <typeparamref name="TKV"/>.</summary>
    private static void Add<TQ, TKV>(KernelTraits traits, KernelCall<TQ, TKV> run, KernelCall<TQ, TKV> reference)
        where TQ : unmanaged
        where TKV : unmanaged =>
        _building!.Add(traits.Name, new KernelEntry<TQ, TKV>(traits, run, reference));

    // A property, not a field: Build() runs from the first static initializer, before later fields are set.
    private static Func<int, int, int, int, bool> All => KernelTraits.All;

    private static int FloorDiv(int value, int divisor) => KernelTraits.FloorDiv(value, divisor);
}
