namespace TensorDsl.Cpu;

/// <summary>
/// What one attention declaration contributes to the CPU driver: its foldable masks, its residual mask
/// predicates and its score steps. A generated struct implements it and <see cref="AttentionDriver"/> is
/// instantiated over that struct, so every member below is a static call the JIT inlines into the loop
/// (the operator-struct pattern of System.Numerics.Tensors' TensorPrimitives) instead of a delegate call per key.
/// </summary>
public interface IAttentionSpec
{
    /// <summary>
    /// The q/k head size when it is a compile-time constant, else 0. A non-zero value is checked against the
    /// problem's head size and lets later (vectorised) drivers unroll the head-dim loop.
    /// </summary>
    static abstract int ConstHeadDim { get; }

    /// <summary>The masks that fold into a contiguous key range per row: causal, one sliding window, one chunk.</summary>
    static abstract KeyMask Mask { get; }

    /// <summary>False when the declaration has no mask predicate: the driver then never calls <see cref="Visible"/>.</summary>
    static abstract bool HasPredicate { get; }

    /// <summary>
    /// The intersection of the residual mask predicates for key <paramref name="key"/> seen from the query row
    /// at absolute position <paramref name="position"/> (<c>Lk − Lq + i</c>) of sequence <paramref name="batch"/>,
    /// query head <paramref name="head"/>. Called only for keys inside <see cref="Mask"/>'s range.
    /// </summary>
    static abstract bool Visible(int batch, int head, int position, int key);

    /// <summary>
    /// Every score step in source order (the scale first, then softcap, bias, ALiBi, score modifiers) applied to
    /// the fp32 dot product <paramref name="dot"/> = <c>q[batch, head, row] · k[batch, head / G, key]</c>.
    /// <paramref name="row"/> is the query row within its sequence, <paramref name="position"/> its absolute
    /// position. Returning −∞ hides the key.
    /// </summary>
    static abstract float Score(in ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot);

    /// <summary>
    /// True when <see cref="Score"/> is exactly <c>dot · <see cref="Scale"/>(inputs)</c> (the declaration has no
    /// score step but the scale): the driver then scales whole vectors of scores instead of calling
    /// <see cref="Score"/> once per key.
    /// </summary>
    static abstract bool ScoreIsScale { get; }

    /// <summary>The scale <see cref="Score"/> multiplies by when <see cref="ScoreIsScale"/> holds; 1 otherwise.</summary>
    static abstract float Scale(in ScoreInputs inputs);

    /// <summary>
    /// The declaration's name of q, for the driver's messages: the driver checks every span it reads or writes (lengths,
    /// aliasing), and a <see cref="ShapeException"/> names the tensor as the caller wrote it.
    /// </summary>
    static virtual string QueryName => "q";

    /// <summary>The declaration's name of k (<see cref="QueryName"/>).</summary>
    static virtual string KeyName => "k";

    /// <summary>The declaration's name of v (<see cref="QueryName"/>).</summary>
    static virtual string ValueName => "v";

    /// <summary>The declaration's name of the softmax sinks (<see cref="QueryName"/>).</summary>
    static virtual string SinksName => "sinks";
}
