namespace TensorDsl;

/// <summary>
/// A custom mask: <c>true</c> keeps the score of (<paramref name="batch"/>, <paramref name="head"/>,
/// <paramref name="query"/>, <paramref name="key"/>). <paramref name="query"/> is the query row's absolute
/// position in its sequence (bottom-right aligned: <c>Lk − Lq + i</c>), so <c>query &gt;= key</c> is causal.
/// <paramref name="head"/> is the query head. The body is inlined by the generator: it may use arithmetic,
/// comparisons, conditionals, <c>Math</c>/<c>MathF</c> calls, its parameters and constants.
/// </summary>
public delegate bool MaskPredicate(int batch, int head, int query, int key);

/// <summary>
/// A custom score modifier, applied to the (scaled) score at its place in the expression. Parameters as for
/// <see cref="MaskPredicate"/>, plus the score. Same inlining rules.
/// </summary>
public delegate float ScoreModifier(int batch, int head, int query, int key, float score);
