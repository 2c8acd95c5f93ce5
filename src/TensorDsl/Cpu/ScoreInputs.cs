using System.ComponentModel;

namespace TensorDsl.Cpu;

/// <summary>
/// The run-time data a declaration's score steps read, passed by reference to every
/// <see cref="IAttentionSpec.Score"/> call: the default scale when it is not a compile-time constant, and up to
/// four side tensors (bias, ALiBi slopes, …) in the slots the generator assigned. Generated code fills it with an
/// object initializer, e.g. <c>new ScoreInputs { DefaultScale = s, Side0 = SideTensor.PerHead(slopes) }</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct ScoreInputs
{
    /// <summary>How many side-tensor slots there are (<c>Side0</c> … <c>Side3</c>), the number the generator assigns from.</summary>
    public const int Slots = CpuFacts.SideInputSlots;

    /// <summary><c>(float)(1 / sqrt(D))</c> when D is known only at run time (the generator folds it otherwise).</summary>
    public float DefaultScale;

    /// <summary>Side-tensor slot 0.</summary>
    public SideTensor Side0;

    /// <summary>Side-tensor slot 1.</summary>
    public SideTensor Side1;

    /// <summary>Side-tensor slot 2.</summary>
    public SideTensor Side2;

    /// <summary>Side-tensor slot 3.</summary>
    public SideTensor Side3;
}
