using System;
using System.Collections.Immutable;

namespace TensorDsl;

/// <summary>
/// The attention vocabulary. Bring it into scope with <c>using static TensorDsl.Dsl;</c>.
/// </summary>
public static class Dsl
{
    /// <summary><c>1/sqrt(x)</c>, rounded to float (the generator folds it with the same formula).</summary>
    public static float Rsqrt(double x) => (float)(1.0 / Math.Sqrt(x));

    /// <summary>Causal, bottom-right aligned: key <c>j</c> is visible to the query at position <c>p</c> when <c>j ≤ p</c>.</summary>
    public static Mask Causal() => new(ImmutableArray.Create<MaskTerm>(new CausalMask()));

    /// <summary>Sliding window: <c>p − left ≤ j ≤ p + right</c>. Add <see cref="Causal"/> to cut the right side at <c>p</c>.</summary>
    public static Mask SlidingWindow(int left, int right = 0)
    {
        if (left < 0) throw new ArgumentOutOfRangeException(nameof(left), left, "The window's left size must be ≥ 0.");
        if (right < 0) throw new ArgumentOutOfRangeException(nameof(right), right, "The window's right size must be ≥ 0.");
        return new(ImmutableArray.Create<MaskTerm>(new WindowMask(left, right)));
    }

    /// <summary>Chunked-local attention: key <c>j</c> is visible when <c>j / size == p / size</c>.</summary>
    public static Mask ChunkedLocal(int size)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "The chunk size must be > 0.");
        return new(ImmutableArray.Create<MaskTerm>(new ChunkedMask(size)));
    }

    /// <summary>A custom mask predicate, inlined into the generated kernel.</summary>
    public static Mask Mask(MaskPredicate predicate) =>
        new(ImmutableArray.Create<MaskTerm>(new PredicateMask(predicate ?? throw new ArgumentNullException(nameof(predicate)))));

    /// <summary>ALiBi with per-head slopes: <c>s += slope[h] · (j − p)</c>.</summary>
    public static Alibi Alibi(PerHead<float> slopes) => new(slopes ?? throw new ArgumentNullException(nameof(slopes)));

    /// <summary>Softcap: <c>s ← cap · tanh(s / cap)</c>.</summary>
    public static Scores Softcap(Scores scores, float cap)
    {
        if (!(cap > 0)) throw new ArgumentOutOfRangeException(nameof(cap), cap, "The softcap must be > 0.");
        return scores.With(new SoftcapStep(cap));
    }

    /// <summary>A custom score modifier, inlined into the generated kernel.</summary>
    public static Scores ScoreMod(Scores scores, ScoreModifier modifier) =>
        scores.With(new ModifierStep(modifier ?? throw new ArgumentNullException(nameof(modifier))));

    /// <summary>Softmax over the KV axis (<paramref name="axis"/> must be -1 or 3: the only one attention has).</summary>
    public static Probabilities Softmax(Scores scores, int axis = -1) => new(scores, null, CheckAxis(axis));

    /// <summary>Softmax over the KV axis with per-head sinks: the sink logit joins only the denominator.</summary>
    public static Probabilities Softmax(Scores scores, PerHead<float> sinks, int axis = -1) =>
        new(scores, sinks ?? throw new ArgumentNullException(nameof(sinks)), CheckAxis(axis));

    private static int CheckAxis(int axis) => axis is -1 or 3
        ? axis
        : throw new ArgumentOutOfRangeException(nameof(axis), axis, "Softmax in attention runs over the KV axis (-1).");
}
