using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;

namespace TensorDsl.Generators.Emit;

/// <summary>What a value of a kernel call is to the call.</summary>
internal enum CallPart
{
    Input,
    KvCache,
    KvLayout,
    Output,
    Lse,
    Batch,
    Heads,
    Size,
}

/// <summary>
/// One value a kernel call carries, under the name the public entry point gives it (the user's tensor and size names)
/// and the name the implementation gives it (<see cref="ImplementationNames"/>: <c>q</c>, <c>size0</c>, …).
/// <see cref="Element"/> is a span's element type; <see cref="Operand"/> is set for the tensors the declaration names,
/// <see cref="Size"/> for the <c>int</c> sizes.
/// </summary>
internal sealed record CallValue(
    CallPart Part, string EntryName, string InnerName, string Element = "", OperandPlan? Operand = null, RuntimeSize? Size = null)
{
    /// <summary>A size the caller passes (not one the implementation derives from the batch or a cache length).</summary>
    public bool IsArgument => Size is { Source: RuntimeSizeSource.Argument };
}

/// <summary>How a public entry point takes its tensors.</summary>
internal enum EntryForm
{
    /// <summary><c>ReadOnlySpan&lt;T&gt;</c> / <c>Span&lt;T&gt;</c> plus the <c>int</c> sizes.</summary>
    Spans,

    /// <summary><c>ReadOnlyTensorSpan&lt;T&gt;</c> / <c>TensorSpan&lt;T&gt;</c>, whose lengths give the sizes.</summary>
    TensorSpans,
}

/// <summary>
/// The one model of a kernel call: the values it carries, in the implementation's order (inputs in declaration order,
/// with K and V one <c>kvCache</c> and its <c>layout</c> when stacked; output, lse, batch, heads, sizes). Every parameter
/// list and argument list of the generated file — public entry points on spans and on tensor spans, the
/// implementation's <c>Run</c>, <c>Reference</c> and <c>Validate</c>, the forwarding calls — is a view of it, so the
/// orders can never drift apart. The public order differs in one way only: the optional <c>lse</c> and <c>heads</c>
/// come last, where C# wants defaulted parameters.
/// </summary>
internal sealed class EntrySignature
{
    private readonly List<CallValue> _values = new();
    private readonly bool _stacked;
    private readonly string _kvElement;

    private EntrySignature(KernelPlan plan, bool stacked)
    {
        var names = new ImplementationNames(plan);
        _stacked = stacked;
        _kvElement = EmitNames.SpanElement(plan.Key);
        foreach (var (input, isKvCache) in EmitNames.EntryInputs(plan, stacked))
        {
            if (isKvCache)
            {
                _values.Add(new CallValue(CallPart.KvCache, "kvCache", "kvCache", EmitNames.SpanElement(input)));
                _values.Add(new CallValue(CallPart.KvLayout, "layout", "layout"));
            }
            else
            {
                _values.Add(new CallValue(CallPart.Input, EmitNames.Identifier(input.Name), names.Tensor(input), EmitNames.SpanElement(input), input));
            }
        }

        _values.Add(new CallValue(CallPart.Output, "output", "output", EmitNames.Element(plan.Output.Element)));
        _values.Add(new CallValue(CallPart.Lse, "lse", "lse", "float"));
        if (plan.Batch != BatchKind.Dense)
        {
            _values.Add(new CallValue(CallPart.Batch, "batch", "batch"));
        }

        _values.Add(new CallValue(CallPart.Heads, "heads", "heads"));
        foreach (var size in plan.RuntimeSizes)
        {
            _values.Add(new CallValue(CallPart.Size, EmitNames.Identifier(size.Name), names.Sizes.Local(size.Name), Size: size));
        }

        Batch = plan.Batch;
    }

    /// <summary>The call's batch kind (the type of its <c>batch</c> value).</summary>
    public BatchKind Batch { get; }

    /// <summary>Every value, in the implementation's order, derived sizes included.</summary>
    public IReadOnlyList<CallValue> Values => _values;

    public static EntrySignature Of(KernelPlan plan, bool stacked = false) => new(plan, stacked);

    /// <summary>The public entry point's parameters: required values in the implementation's order, then lse and heads.</summary>
    public IEnumerable<string> EntryParameters(EntryForm form)
    {
        var required = _values.Where(v => v.Part is not (CallPart.Lse or CallPart.Heads)
            && (v.Part != CallPart.Size || (v.IsArgument && form == EntryForm.Spans)));
        foreach (var value in required)
        {
            yield return Declare(value, value.EntryName, form);
        }

        yield return Declare(_values.First(v => v.Part == CallPart.Lse), "lse", form) + " = default";
        yield return Declare(_values.First(v => v.Part == CallPart.Heads), "heads", form) + " = null";
    }

    /// <summary>
    /// The implementation's parameters under its own names: <c>Run</c>/<c>Reference</c> take the heads and the sizes the
    /// caller passes; <c>Validate</c> (<paramref name="validate"/>) takes no heads and every size, derived ones included.
    /// </summary>
    public IEnumerable<string> ImplementationParameters(bool validate = false) =>
        Implementation(validate).Select(value => Declare(value, value.InnerName, EntryForm.Spans));

    /// <summary>
    /// The arguments of the implementation's <c>Run</c>/<c>Reference</c> (<paramref name="validate"/>: of its
    /// <c>Validate</c>), each spelled by <paramref name="spell"/>; by default the public names, as an entry point forwards.
    /// </summary>
    public string Arguments(System.Func<CallValue, string>? spell = null, bool validate = false) =>
        string.Join(", ", Implementation(validate).Select(spell ?? (value => value.EntryName)));

    /// <summary>The <c>Validate</c> call inside the implementation, with its own names.</summary>
    public string ValidateArguments() => Arguments(value => value.InnerName, validate: true);

    private IEnumerable<CallValue> Implementation(bool validate) =>
        _values.Where(v => validate ? v.Part != CallPart.Heads : v.Part != CallPart.Size || v.IsArgument);

    private string Declare(CallValue value, string name, EntryForm form)
    {
        var tensors = form == EntryForm.TensorSpans;
        var type = value.Part switch
        {
            CallPart.Input or CallPart.KvCache => tensors
                ? $"global::System.Numerics.Tensors.ReadOnlyTensorSpan<{value.Element}>"
                : $"global::System.ReadOnlySpan<{value.Element}>",
            CallPart.KvLayout => "global::TensorDsl.KvCacheLayout",
            CallPart.Output or CallPart.Lse => tensors
                ? $"global::System.Numerics.Tensors.TensorSpan<{value.Element}>"
                : $"global::System.Span<{value.Element}>",
            CallPart.Batch => Batch == BatchKind.Paged ? "global::TensorDsl.PagedBatch" : "global::TensorDsl.VarlenBatch",
            CallPart.Heads => "global::TensorDsl.HeadRange?",
            _ => "int",
        };
        return type + " " + name;
    }

    /// <summary>
    /// The signature of <c>WriteCache</c> (vLLM's reshape_and_cache), public (<paramref name="inner"/> false) and
    /// implementation alike: the new rows, the two caches (or, stacked, one cache and its layout), the batch, and the
    /// sizes the caller passes, under the entry point's or the implementation's names.
    /// </summary>
    public string CacheWriteParameters(bool inner = false)
    {
        var element = _kvElement;
        var caches = _stacked
            ? $"global::System.Span<{element}> kvCache, global::TensorDsl.KvCacheLayout layout"
            : $"global::System.Span<{element}> keyCache, global::System.Span<{element}> valueCache";
        var sizes = _values.Where(v => v.IsArgument).Select(v => ", int " + (inner ? v.InnerName : v.EntryName));
        return $"global::System.ReadOnlySpan<{element}> newKeys, global::System.ReadOnlySpan<{element}> newValues, {caches}, "
            + "global::TensorDsl.PagedBatch batch" + string.Concat(sizes);
    }

    /// <summary>The arguments of <c>WriteCache</c>, as the entry point forwards them.</summary>
    public string CacheWriteArguments() =>
        "newKeys, newValues, " + (_stacked ? "kvCache, layout" : "keyCache, valueCache") + ", batch"
        + string.Concat(_values.Where(v => v.IsArgument).Select(v => ", " + v.EntryName));
}
