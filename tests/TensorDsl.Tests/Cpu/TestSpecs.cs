using System;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Cpu;

/// <summary>
/// A spec whose masks and predicate are set per test (thread-static: xunit runs test classes in parallel, each
/// test on one thread). Score is the default scale only, so the oracle can mirror it exactly. Thread-static also
/// means the driver's helper threads do not see the test's setting: a call large enough to be spread over threads
/// (past <c>AttentionOptions.MinParallelFlops</c>) whose output is checked must use a spec with a fixed mask
/// (<see cref="CausalSpec"/>, <see cref="ConstD16Spec"/>).
/// </summary>
internal struct ConfigSpec : IAttentionSpec
{
    public static bool ScoreIsScale => true;

    public static float Scale(in ScoreInputs inputs) => inputs.DefaultScale;

    [ThreadStatic] private static KeyMask s_mask;
    [ThreadStatic] private static Func<int, int, int, int, bool>? s_predicate;

    public static int ConstHeadDim => 0;

    public static KeyMask Mask => s_mask;

    public static bool HasPredicate => s_predicate is not null;

    public static bool Visible(int batch, int head, int position, int key) => s_predicate!(batch, head, position, key);

    public static float Score(in ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot) =>
        dot * inputs.DefaultScale;

    /// <summary>Configures the spec for the calling thread until the returned scope is disposed.</summary>
    public static IDisposable Use(KeyMask mask, Func<int, int, int, int, bool>? predicate = null)
    {
        s_mask = mask;
        s_predicate = predicate;
        return new Reset();
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose()
        {
            s_mask = default;
            s_predicate = null;
        }
    }
}

/// <summary>Causal, a residual predicate and a softcap after the scale: every spec hook in use.</summary>
internal struct SoftcapSpec : IAttentionSpec
{
    public static bool ScoreIsScale => false;

    public static float Scale(in ScoreInputs inputs) => 1f;

    public static int ConstHeadDim => 0;

    public static KeyMask Mask => new(causal: true, hasWindow: false, left: 0, right: 0, chunk: 0);

    public static bool HasPredicate => true;

    public static bool Visible(int batch, int head, int position, int key) => Predicate(head, key);

    public static bool Predicate(int head, int key) => (key + head) % 5 != 3;

    public static float Score(in ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot)
    {
        float s = dot * inputs.DefaultScale;
        return 30f * MathF.Tanh(s / 30f);
    }
}

/// <summary>A Half bias in slot 0 and ALiBi slopes in slot 1, no mask.</summary>
internal struct BiasAlibiSpec : IAttentionSpec
{
    public static bool ScoreIsScale => false;

    public static float Scale(in ScoreInputs inputs) => 1f;

    public static int ConstHeadDim => 0;

    public static KeyMask Mask => KeyMask.None;

    public static bool HasPredicate => false;

    public static bool Visible(int batch, int head, int position, int key) => throw new InvalidOperationException("no predicate");

    public static float Score(in ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot)
    {
        float s = dot * inputs.DefaultScale;
        s += inputs.Side0.Bias<Half>(batch, head, row, key);
        s += inputs.Side1.PerHead(head) * (float)(key - position);
        return s;
    }
}

/// <summary>What the generator emits for the conformance kernel F32BhsdEverything (see Kernels/RuntimeFloatKernels.cs).</summary>
internal struct EverythingSpec : IAttentionSpec
{
    public static bool ScoreIsScale => false;

    public static float Scale(in ScoreInputs inputs) => 1f;

    public static int ConstHeadDim => 0;

    public static KeyMask Mask => new(causal: false, hasWindow: false, left: 0, right: 0, chunk: 16);

    public static bool HasPredicate => true;

    public static bool Visible(int batch, int head, int position, int key) => key != position - 2;

    public static float Score(in ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot)
    {
        float s = dot * 0.3f;
        s = 8f * MathF.Tanh(s / 8f);
        s += inputs.Side0.Bias<float>(batch, head, row, key);
        s += inputs.Side1.PerHead(head) * (float)(key - position);
        return s - 0.01f * MathF.Abs(position - key);
    }
}

/// <summary>Causal plus a 9-key look-back window, default scale: the conformance GptOss kernels.</summary>
internal struct GptOssSpec : IAttentionSpec
{
    public static bool ScoreIsScale => true;

    public static float Scale(in ScoreInputs inputs) => inputs.DefaultScale;

    public static int ConstHeadDim => 0;

    public static KeyMask Mask => new(causal: true, hasWindow: true, left: 9, right: 0, chunk: 0);

    public static bool HasPredicate => false;

    public static bool Visible(int batch, int head, int position, int key) => true;

    public static float Score(in ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot) =>
        dot * inputs.DefaultScale;
}

/// <summary>Causal, default scale, nothing else: a fixed mask every thread sees (see <see cref="ConfigSpec"/>).</summary>
internal struct CausalSpec : IAttentionSpec
{
    public static bool ScoreIsScale => true;

    public static float Scale(in ScoreInputs inputs) => inputs.DefaultScale;

    public static int ConstHeadDim => 0;

    public static KeyMask Mask => new(causal: true, hasWindow: false, left: 0, right: 0, chunk: 0);

    public static bool HasPredicate => false;

    public static bool Visible(int batch, int head, int position, int key) => true;

    public static float Score(in ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot) =>
        dot * inputs.DefaultScale;
}

/// <summary>A spec that claims a compile-time head size of 16.</summary>
internal struct ConstD16Spec : IAttentionSpec
{
    public static bool ScoreIsScale => true;

    public static float Scale(in ScoreInputs inputs) => 0.25f;

    public static int ConstHeadDim => 16;

    public static KeyMask Mask => KeyMask.None;

    public static bool HasPredicate => false;

    public static bool Visible(int batch, int head, int position, int key) => true;

    public static float Score(in ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot) => dot * 0.25f;
}

/// <summary>Causal within chunks of 40 keys, default scale: a fixed mask every thread sees (see <see cref="ConfigSpec"/>).</summary>
internal struct Chunk40Spec : IAttentionSpec
{
    public static bool ScoreIsScale => true;

    public static float Scale(in ScoreInputs inputs) => inputs.DefaultScale;

    public static int ConstHeadDim => 0;

    public static KeyMask Mask => new(causal: true, hasWindow: false, left: 0, right: 0, chunk: 40);

    public static bool HasPredicate => false;

    public static bool Visible(int batch, int head, int position, int key) => true;

    public static float Score(in ScoreInputs inputs, int batch, int head, int row, int position, int key, float dot) =>
        dot * inputs.DefaultScale;
}
