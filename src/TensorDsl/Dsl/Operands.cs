using System;

namespace TensorDsl;

/// <summary>
/// A tensor parameter of a kernel declaration. At run time an operand is only a named placeholder: evaluating the
/// declaration builds the attention expression that the reference engine interprets.
/// </summary>
public abstract class KernelOperand
{
    private protected KernelOperand(string name) => Name = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>The parameter name the operand stands for.</summary>
    public string Name { get; }

    public abstract Layout Layout { get; }

    public abstract Type ElementType { get; }

    public override string ToString() => $"{Name}: {Layout}<{ElementType.Name}>";
}

/// <summary>A query, key, value or output tensor with element type <typeparamref name="TElement"/>.</summary>
public abstract class AttentionTensor<TElement> : KernelOperand
    where TElement : unmanaged
{
    private protected AttentionTensor(string name) : base(name) { }

    private protected AttentionTensor(AttentionResult result) : base("output") => Result = result;

    /// <summary>This tensor as the right-hand side of <c>q.MatMul(k.T)</c>.</summary>
    public Transposed<TElement> T => new(this);

    /// <summary>
    /// <c>q·kᵀ</c>: the attention scores. The keys may have their own element type <typeparamref name="TKey"/> (an fp16
    /// or bf16 KV cache under fp32 queries); v must then share it (docs/semantics.md#element-types).
    /// </summary>
    public Scores MatMul<TKey>(Transposed<TKey> keys)
        where TKey : unmanaged => Scores.Create(this, keys.Source);

    /// <summary>The expression this tensor is the result of, or <c>null</c> for an input.</summary>
    public AttentionResult? Result { get; }

    public sealed override Type ElementType => typeof(TElement);
}

/// <summary><c>kᵀ</c>, only meaningful as the argument of <see cref="AttentionTensor{TElement}.MatMul{TKey}(Transposed{TKey})"/>.</summary>
public readonly struct Transposed<TElement>
    where TElement : unmanaged
{
    internal Transposed(AttentionTensor<TElement> source) => Source = source;

    internal AttentionTensor<TElement> Source { get; }
}

/// <summary>Dense <c>[B, H, S, D]</c> tensor.</summary>
public sealed class Bhsd<TElement> : AttentionTensor<TElement>
    where TElement : unmanaged
{
    public Bhsd(string name) : base(name) { }

    private Bhsd(AttentionResult result) : base(result) { }

    public override Layout Layout => Layout.Bhsd;

    public static implicit operator Bhsd<TElement>(AttentionResult result) => new(result);
}

/// <summary>Dense <c>[B, S, H, D]</c> tensor.</summary>
public sealed class Bshd<TElement> : AttentionTensor<TElement>
    where TElement : unmanaged
{
    public Bshd(string name) : base(name) { }

    private Bshd(AttentionResult result) : base(result) { }

    public override Layout Layout => Layout.Bshd;

    public static implicit operator Bshd<TElement>(AttentionResult result) => new(result);
}

/// <summary>Flat varlen <c>[T, H, D]</c> tensor (vLLM's query/output layout).</summary>
public sealed class Tokens<TElement> : AttentionTensor<TElement>
    where TElement : unmanaged
{
    public Tokens(string name) : base(name) { }

    private Tokens(AttentionResult result) : base(result) { }

    public override Layout Layout => Layout.Tokens;

    public static implicit operator Tokens<TElement>(AttentionResult result) => new(result);
}

/// <summary>Paged KV cache <c>[N, BlockSize, Hkv, D]</c> (keys or values only).</summary>
public sealed class Pages<TElement> : AttentionTensor<TElement>
    where TElement : unmanaged
{
    public Pages(string name) : base(name) { }

    public override Layout Layout => Layout.Pages;
}

/// <summary>Additive score bias, broadcastable to <c>[B, Hq, Sq, Sk]</c> (dimensions of size 1 broadcast).</summary>
public sealed class Bias<TElement> : KernelOperand
    where TElement : unmanaged
{
    public Bias(string name) : base(name) { }

    public override Layout Layout => Layout.Bias;

    public override Type ElementType => typeof(TElement);

    public static Scores operator +(Scores scores, Bias<TElement> bias) => scores.With(new BiasStep(bias));
}

/// <summary>One value per query head, <c>[Hq]</c>: attention sinks or ALiBi slopes.</summary>
public sealed class PerHead<TElement> : KernelOperand
    where TElement : unmanaged
{
    public PerHead(string name) : base(name) { }

    public override Layout Layout => Layout.PerHead;

    public override Type ElementType => typeof(TElement);
}
