using System;
using System.Runtime.InteropServices;
using TensorDsl.Runtime;

namespace TensorDsl;

/// <summary>
/// The eager reference engine: interprets a kernel declaration, scalar and in fp64, exactly as docs/semantics.md reads.
/// It is the oracle every generated kernel is tested against, so it favours the obvious over the fast: no
/// tiling, no online softmax, one query row at a time with its scores kept in full.
/// </summary>
/// <remarks>
/// <para>Per query row <c>i</c> of sequence <c>b</c>, query head <c>h</c> (KV head <c>h / G</c>), at position
/// <c>p = Lk − Lq + i</c>:</para>
/// <list type="number">
/// <item>keys hidden by any mask are skipped (masks apply after every score step, whatever their place);</item>
/// <item><c>s = q·k</c> in fp64, then the score steps in source order (the default scale <c>1/sqrt(D)</c>, rounded
/// to float as the generator folds it, first when no scale is written);</item>
/// <item><c>m' = max(max_j s_j, σ_h)</c>, <c>l = Σ e^(s_j − m') [+ e^(σ_h − m')]</c>, <c>o = Σ e^(s_j − m') v_j / l</c>,
/// <c>LSE = m' + ln l</c>;</item>
/// <item>a row with no visible key, or whose visible scores are all −∞, gets output 0 and LSE −∞ (with or
/// without sinks). NaN propagates (<see cref="Math.Max(double, double)"/> returns NaN when either side is).</item>
/// </list>
/// <para>Layouts: queries and output Bhsd, Bshd or Tokens (with <see cref="ReferenceBindings.Batch"/>); keys and
/// values also Pages (with a <see cref="PagedBatch"/>). LSE is <c>[B, Hq, Sq]</c> for dense queries and
/// <c>[Hq, T]</c> for token rows.</para>
/// </remarks>
public static class ReferenceEngine
{
    /// <summary>
    /// Evaluates <paramref name="declared"/> (the tensor a kernel declaration returned) and writes the output,
    /// rounded once from fp64 to <typeparamref name="T"/>, and, when <paramref name="lse"/> is not empty, the LSE
    /// rounded to float. <paramref name="outputDims"/> are in the output's layout order.
    /// </summary>
    public static void Run<T>(
        AttentionTensor<T> declared, ReferenceBindings inputs, ReadOnlySpan<int> outputDims, Span<T> output, Span<float> lse)
        where T : unmanaged
    {
        CheckElement<T>();
        var plan = ReferencePlan.Build(declared, inputs, outputDims);
        KernelGuard.SpanLength(declared.Name, plan.OutputLength, output.Length);
        KernelGuard.OptionalSpanLength("lse", plan.LseLength, lse.Length);

        var (values, logSumExp) = Compute(plan);
        Narrow(values, output);
        for (int i = 0; i < lse.Length; i++)
        {
            lse[i] = (float)logSumExp[i];
        }
    }

    /// <summary>
    /// As <see cref="Run{T}(AttentionTensor{T}, ReferenceBindings, ReadOnlySpan{int}, Span{T}, Span{float})"/>, writing
    /// only the query heads in <paramref name="heads"/> (all when null): the output and LSE of other heads are left as
    /// they are, as the generated <c>Run</c> does with the same argument. A range past the query heads throws the
    /// <see cref="ShapeException"/> <c>Run</c> throws.
    /// </summary>
    public static void Run<T>(
        AttentionTensor<T> declared, ReferenceBindings inputs, ReadOnlySpan<int> outputDims, Span<T> output, Span<float> lse, HeadRange? heads)
        where T : unmanaged
    {
        if (heads is not { } range)
        {
            Run(declared, inputs, outputDims, output, lse);
            return;
        }

        CheckElement<T>();
        var plan = ReferencePlan.Build(declared, inputs, outputDims);
        KernelGuard.SpanLength(declared.Name, plan.OutputLength, output.Length);
        KernelGuard.OptionalSpanLength("lse", plan.LseLength, lse.Length);
        if (range.End > plan.QueryHeads)
        {
            throw new ShapeException("heads", "Start + Count", "≤ " + plan.QueryHeads.ToString(System.Globalization.CultureInfo.InvariantCulture), range.End);
        }

        // The oracle stays simple: every head is computed, then only the range is copied out.
        var (values, logSumExp) = Compute(plan);
        var rounded = new T[values.Length];
        Narrow(values, rounded);
        for (int b = 0; b < plan.Batch; b++)
        {
            for (int h = range.Start; h < range.End; h++)
            {
                for (int i = 0; i < plan.QueryLengths[b]; i++)
                {
                    int at = plan.Output.Offset(b, h, i);
                    rounded.AsSpan(at, plan.Output.HeadDim).CopyTo(output.Slice(at));
                    if (!lse.IsEmpty)
                    {
                        lse[plan.LseOffset(b, h, i)] = (float)logSumExp[plan.LseOffset(b, h, i)];
                    }
                }
            }
        }
    }

    /// <summary>As <see cref="Run{T}(AttentionTensor{T}, ReferenceBindings, ReadOnlySpan{int}, Span{T}, Span{float})"/>, but returns the unrounded fp64 output and LSE (always computed).</summary>
    public static (double[] Output, double[] Lse) Evaluate<T>(
        AttentionTensor<T> declared, ReferenceBindings inputs, ReadOnlySpan<int> outputDims)
        where T : unmanaged
    {
        CheckElement<T>();
        return Compute(ReferencePlan.Build(declared, inputs, outputDims));
    }

    private static (double[] Output, double[] Lse) Compute(ReferencePlan plan)
    {
        var lse = new double[plan.LseLength];
        // Scratch for one row: the visible keys and their final scores.
        var scores = new double[plan.MaxKvLength];
        var keys = new int[plan.MaxKvLength];
        var accumulator = new double[plan.ValueDim];

        for (int b = 0; b < plan.Batch; b++)
        {
            int queryLength = plan.QueryLengths[b], kvLength = plan.KvLengths[b];
            for (int h = 0; h < plan.QueryHeads; h++)
            {
                for (int i = 0; i < queryLength; i++)
                {
                    int position = kvLength - queryLength + i; // bottom-right aligned; negative when Lk < Lq
                    lse[plan.LseOffset(b, h, i)] = Row(plan, b, h, i, position, kvLength, scores, keys, accumulator);
                }
            }
        }

        return (plan.Output.Data, lse);
    }

    /// <summary>One query row: writes its output vector and returns its LSE.</summary>
    private static double Row(
        ReferencePlan plan, int b, int h, int i, int p, int kvLength, double[] scores, int[] keys, double[] accumulator)
    {
        var q = plan.Query;
        var k = plan.Key;
        var v = plan.Value;
        int kvHead = h / plan.Group;
        int queryOffset = q.Offset(b, h, i);

        int count = 0;
        double max = double.NegativeInfinity;
        for (int j = 0; j < kvLength; j++)
        {
            if (!Visible(plan.Masks, b, h, p, j))
            {
                continue;
            }

            int keyOffset = k.Offset(b, kvHead, j);
            double s = 0;
            for (int d = 0; d < k.HeadDim; d++)
            {
                s += q.Data[queryOffset + d] * k.Data[keyOffset + d];
            }

            foreach (var op in plan.Ops)
            {
                s = op.Apply(s, b, h, i, p, j);
            }

            scores[count] = s;
            keys[count] = j;
            count++;
            max = Math.Max(max, s); // NaN-propagating
        }

        var output = plan.Output;
        int outputOffset = output.Offset(b, h, i);
        if (count == 0 || double.IsNegativeInfinity(max))
        {
            // Nothing to attend to: 0 and −∞, never 0/0 — even when a sink would make the denominator positive.
            Array.Clear(output.Data, outputOffset, plan.ValueDim);
            return double.NegativeInfinity;
        }

        double sink = plan.Sinks is null ? double.NegativeInfinity : plan.Sinks[h];
        double shift = Math.Max(max, sink); // m' = max(m, σ): keeps every exponent ≤ 0
        double denominator = Math.Exp(sink - shift); // e^(−∞) = 0 without sinks
        Array.Clear(accumulator);
        for (int t = 0; t < count; t++)
        {
            double weight = Math.Exp(scores[t] - shift);
            if (weight == 0)
            {
                continue; // a −∞ score (or an underflowed weight) is left out: 0 · ∞ must not reach the output
            }

            denominator += weight;
            int valueOffset = v.Offset(b, kvHead, keys[t]);
            for (int d = 0; d < accumulator.Length; d++)
            {
                accumulator[d] += weight * v.Data[valueOffset + d];
            }
        }

        for (int d = 0; d < accumulator.Length; d++)
        {
            output.Data[outputOffset + d] = accumulator[d] / denominator;
        }

        return shift + Math.Log(denominator);
    }

    /// <summary>The intersection of every mask term, evaluated from indices.</summary>
    private static bool Visible(MaskTerm[] masks, int b, int h, int p, int j)
    {
        foreach (var mask in masks)
        {
            bool visible = mask switch
            {
                CausalMask => j <= p,
                // long: p ± window must not wrap for windows near int.MaxValue.
                WindowMask w => (long)p - w.Left <= j && j <= (long)p + w.Right,
                ChunkedMask c => FloorDiv(j, c.Size) == FloorDiv(p, c.Size),
                PredicateMask m => m.Predicate(b, h, p, j),
                _ => throw new NotSupportedException($"The reference engine does not know the mask {mask}."),
            };
            if (!visible)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Floor division for a positive divisor (C#'s <c>/</c> truncates, which is wrong for negative <c>p</c>).</summary>
    private static int FloorDiv(int value, int divisor)
    {
        int quotient = value / divisor;
        return value % divisor < 0 ? quotient - 1 : quotient;
    }

    /// <summary>Rounds each fp64 value once to the element type (each conversion is correctly rounded).</summary>
    private static void Narrow<T>(double[] source, Span<T> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var target = MemoryMarshal.Cast<T, float>(destination);
            for (int i = 0; i < source.Length; i++) target[i] = (float)source[i];
        }
        else if (typeof(T) == typeof(Half))
        {
            var target = MemoryMarshal.Cast<T, Half>(destination);
            for (int i = 0; i < source.Length; i++) target[i] = (Half)source[i];
        }
        else
        {
            var target = MemoryMarshal.Cast<T, BFloat16>(destination);
            for (int i = 0; i < source.Length; i++) target[i] = (BFloat16)source[i];
        }
    }

    private static void CheckElement<T>() => ElementTypes.Require(typeof(T));
}
