using System;
using System.Collections.Immutable;

namespace TensorDsl;

/// <summary>
/// Attention scores <c>s[b,h,i,j]</c> and what has been applied to them, in order. Masks are predicates on
/// indices: whatever their place in the sum, they are applied after every score step (a masked score never
/// reaches softmax), so <c>Softcap(s + Causal(), c)</c> and <c>Softcap(s, c) + Causal()</c> mean the same.
/// </summary>
public sealed class Scores
{
    private Scores(KernelOperand query, KernelOperand key, ImmutableArray<ScoreStep> steps, ImmutableArray<MaskTerm> masks)
    {
        Query = query;
        Key = key;
        Steps = steps;
        Masks = masks;
    }

    internal static Scores Create(KernelOperand query, KernelOperand key) =>
        new(query, key, ImmutableArray<ScoreStep>.Empty, ImmutableArray<MaskTerm>.Empty);

    internal KernelOperand Query { get; }

    internal KernelOperand Key { get; }

    /// <summary>Element-wise score steps in source order. No <see cref="ScaleStep"/> means the default <c>1/sqrt(D)</c>.</summary>
    internal ImmutableArray<ScoreStep> Steps { get; }

    internal ImmutableArray<MaskTerm> Masks { get; }

    internal Scores With(ScoreStep step) => new(Query, Key, Steps.Add(step), Masks);

    internal Scores With(MaskTerm mask) => new(Query, Key, Steps, Masks.Add(mask));

    /// <summary>Scale the scores. Without any scale the kernel uses <c>1/sqrt(D)</c>.</summary>
    public static Scores operator *(Scores scores, float scale) => scores.With(new ScaleStep(scale));

    /// <inheritdoc cref="op_Multiply(Scores, float)"/>
    public static Scores operator *(float scale, Scores scores) => scores.With(new ScaleStep(scale));

    /// <summary>Intersect the visible keys with a mask.</summary>
    public static Scores operator +(Scores scores, Mask mask)
    {
        var result = scores;
        foreach (var term in mask.Terms)
        {
            result = result.With(term);
        }

        return result;
    }

    /// <summary>Add ALiBi: <c>s += slope[h] · (j − p)</c>.</summary>
    public static Scores operator +(Scores scores, Alibi alibi) => scores.With(new AlibiStep(alibi.Slopes));
}

/// <summary>A set of visibility rules (their intersection).</summary>
public sealed class Mask
{
    internal Mask(ImmutableArray<MaskTerm> terms) => Terms = terms;

    internal ImmutableArray<MaskTerm> Terms { get; }
}

/// <summary>ALiBi with per-head slopes; add it to the scores.</summary>
public sealed class Alibi
{
    internal Alibi(PerHead<float> slopes) => Slopes = slopes;

    internal PerHead<float> Slopes { get; }
}

/// <summary><c>softmax(scores)</c> over the KV axis, optionally with per-head sinks.</summary>
public sealed class Probabilities
{
    internal Probabilities(Scores scores, PerHead<float>? sinks, int axis)
    {
        Scores = scores;
        Sinks = sinks;
        Axis = axis;
    }

    internal Scores Scores { get; }

    internal PerHead<float>? Sinks { get; }

    internal int Axis { get; }

    /// <summary><c>p·v</c>: the attention output.</summary>
    public AttentionResult MatMul<TElement>(AttentionTensor<TElement> values)
        where TElement : unmanaged => new(this, values);
}

/// <summary>
/// The value of an attention expression; converts implicitly to the declared output tensor type. It carries no
/// element type: the output's is the declared return type's, which must be the query's while v's is the keys'
/// (docs/semantics.md#element-types; the analyzer reports a mismatch as TDSL0030).
/// </summary>
public sealed class AttentionResult
{
    internal AttentionResult(Probabilities probabilities, KernelOperand values)
    {
        Probabilities = probabilities;
        Values = values;
    }

    internal Probabilities Probabilities { get; }

    internal KernelOperand Values { get; }
}

internal abstract record ScoreStep;

internal sealed record ScaleStep(float Scale) : ScoreStep;

internal sealed record SoftcapStep(float Cap) : ScoreStep;

internal sealed record BiasStep(KernelOperand Bias) : ScoreStep;

internal sealed record AlibiStep(PerHead<float> Slopes) : ScoreStep;

internal sealed record ModifierStep(ScoreModifier Modifier) : ScoreStep;

internal abstract record MaskTerm;

internal sealed record CausalMask : MaskTerm;

internal sealed record WindowMask(int Left, int Right) : MaskTerm;

internal sealed record ChunkedMask(int Size) : MaskTerm;

internal sealed record PredicateMask(MaskPredicate Predicate) : MaskTerm;
