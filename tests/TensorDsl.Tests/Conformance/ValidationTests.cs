using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Entry-point validation (docs/semantics.md#validation): a wrong length, a negative or inconsistent size or an element count past
/// int throws <see cref="ShapeException"/> naming the parameter, the dimension, the expected and the actual value
/// — from Run and from Reference alike — before anything is written: the output and LSE buffers are pre-filled
/// with a sentinel and must come back unchanged.
/// </summary>
public sealed class ValidationTests
{
    private const float Sentinel = 1234.5f;

    /// <summary>An invocation with its output buffers (already holding the sentinel) and the call (true: Reference).</summary>
    private sealed record Invocation(Array Output, float[] Lse, Action<bool> Call);

    /// <summary>What the exception must say. <c>Expected = null</c>: only checked to be non-empty.</summary>
    private sealed record Scenario(string Parameter, string Dimension, string? Expected, long Actual, Func<Invocation> Setup);

    // A valid runtime-dim call: B 2, Hq 4, Sq 3, D 5, Hkv 2, Sk 7 → q/output 120, k/v 140, lse 24 elements.
    private const int B = 2, Hq = 4, Sq = 3, D = 5, Hkv = 2, Sk = 7;

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["q too short"] = new("q", "length", "120", 119, () => Plain(dq: -1)),
        ["q too long"] = new("q", "length", "120", 121, () => Plain(dq: +1)),
        ["k too short"] = new("k", "length", "140", 139, () => Plain(dk: -1)),
        ["k too long"] = new("k", "length", "140", 141, () => Plain(dk: +1)),
        ["v too short"] = new("v", "length", "140", 139, () => Plain(dv: -1)),
        ["v too long"] = new("v", "length", "140", 141, () => Plain(dv: +1)),
        ["output too short"] = new("output", "length", "120", 119, () => Plain(dout: -1)),
        ["output too long"] = new("output", "length", "120", 121, () => Plain(dout: +1)),
        ["lse too short"] = new("lse", "length", "0 (not requested) or 24", 23, () => Plain(lse: 23)),
        ["lse too long"] = new("lse", "length", "0 (not requested) or 24", 25, () => Plain(lse: 25)),
        ["B negative"] = new("B", "B", "≥ 0", -1, () => Plain(b: -1)),
        ["Hq negative"] = new("Hq", "Hq", "≥ 0", -4, () => Plain(hq: -4)),
        ["Sq negative"] = new("Sq", "Sq", "≥ 0", -1, () => Plain(sq: -1)),
        ["D negative"] = new("D", "D", "≥ 0", -5, () => Plain(d: -5)),
        ["Hkv negative"] = new("Hkv", "Hkv", "≥ 0", -2, () => Plain(hkv: -2)),
        ["Sk negative"] = new("Sk", "Sk", "≥ 0", -7, () => Plain(sk: -7)),
        ["Hq not a multiple of Hkv"] = new("q", "Hq", "a multiple of 4", 6, () => Plain(hq: 6, hkv: 4)),
        ["q element count past int"] = new("q", "element count", "≤ 2147483647", 1L << 40, () => Plain(b: 1 << 20, hq: 1, sq: 1 << 20, d: 1, hkv: 1, sk: 1)),
        ["k element count past int"] = new("k", "element count", "≤ 2147483647", 1L << 32, () => Plain(b: 1, hq: 1 << 16, sq: 1, d: 1, hkv: 1 << 16, sk: 1 << 16)),
        ["const kernel: k with the wrong Hkv"] = new("k", "length", "1536", 3072, ConstKWrongHeads),
        ["const Hq 8 with Hkv 3"] = new("q", "Hq", "a multiple of 3", 8, ConstHqOddKvHeads),
        ["sinks too short"] = new("sinks", "length", "4", 3, SinksTooShort),
        ["slopes too long"] = new("slopes", "length", "4", 5, SlopesTooLong),
        ["broadcast bias with a full Sq"] = new("bias", "length", "28", 84, BiasFullInsteadOfBroadcast),
    };

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Scenarios.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_arguments_throw_ShapeException_before_writing(string scenario, bool reference)
    {
        var s = Scenarios[scenario];
        var e = ThrowsUntouched(s.Setup(), reference);
        Assert.Equal(s.Parameter, e.Parameter);
        // A dimension may carry its declared spelling in parentheses ("Hq (G*Hkv)"); the name must come first.
        Assert.True(e.Dimension == s.Dimension || e.Dimension.StartsWith(s.Dimension + " (", StringComparison.Ordinal),
            $"dimension: expected '{s.Dimension}', got '{e.Dimension}' ({e.Message})");
        if (s.Expected is null) Assert.False(string.IsNullOrEmpty(e.Expected));
        else Assert.Equal(s.Expected, e.Expected);
        Assert.Equal(s.Actual, e.Actual);
        Assert.Equal(s.Parameter, e.ParamName);
        Assert.Contains(s.Parameter, e.Message);
    }

    /// <summary>
    /// Hkv = 0 cannot serve any query head. The exception must say so about Hkv (the size at fault), not only
    /// about q's head count.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Zero_kv_heads_is_reported_as_Hkv(bool reference)
    {
        var e = ThrowsUntouched(Plain(hq: 4, hkv: 0), reference);
        Assert.Equal(0, e.Actual);
        Assert.True(e.Parameter is "Hkv" or "k" || e.Dimension.StartsWith("Hkv", StringComparison.Ordinal),
            $"Hkv = 0 should be reported against Hkv (or k), got parameter '{e.Parameter}', dimension '{e.Dimension}': {e.Message}");
    }

    /// <summary>
    /// Hq declared as <c>G*Hkv</c> (G = 4): Hkv = 2^30 makes Hq = 2^32, which no span can hold. The product must be
    /// checked like any element count — not wrapped to 0 in int arithmetic and accepted.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_product_dimension_past_int_is_rejected(bool reference)
    {
        var output = Filled(0);
        var lse = Filled(0);
        var call = new Invocation(output, lse, r =>
        {
            if (r) F32ProductHeads.Reference(Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>(), output, B: 1, Hkv: 1 << 30, Sq: 1, D: 1, Sk: 0, lse: lse);
            else F32ProductHeads.Run(Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>(), output, B: 1, Hkv: 1 << 30, Sq: 1, D: 1, Sk: 0, lse: lse);
        });
        var e = ThrowsUntouched(call, reference);
        Assert.True(e.Parameter is "q" or "Hkv", $"expected the fault on q's Hq (or on Hkv), got: {e.Message}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_valid_call_does_not_throw(bool reference)
    {
        // The scenarios' baseline: the same builder with nothing changed is accepted (so each throw above is caused
        // by the one thing its scenario changed).
        var call = Plain();
        call.Call(reference);
        Assert.DoesNotContain(Sentinel, (float[])call.Output);
        Assert.DoesNotContain(Sentinel, call.Lse);
    }

    private static ShapeException ThrowsUntouched(Invocation call, bool reference)
    {
        var output = (Array)call.Output.Clone();
        var lse = (float[])call.Lse.Clone();
        var e = Assert.Throws<ShapeException>(() => call.Call(reference));
        Assert.True(StructuralComparisons.StructuralEqualityComparer.Equals(output, call.Output), "the output was written before the throw");
        Assert.Equal(lse, call.Lse);
        return e;
    }

    /// <summary>F32BhsdPlain with sizes and length offsets; spans are allocated only when their count is modest.</summary>
    private static Invocation Plain(
        int b = B, int hq = Hq, int sq = Sq, int d = D, int hkv = Hkv, int sk = Sk,
        int dq = 0, int dk = 0, int dv = 0, int dout = 0, int? lse = null)
    {
        var q = new float[Length((long)b * hq * sq * d, dq)];
        var k = new float[Length((long)b * hkv * sk * d, dk)];
        var v = new float[Length((long)b * hkv * sk * d, dv)];
        var output = Filled(Length((long)b * hq * sq * d, dout));
        var lseBuffer = Filled(lse ?? Length((long)b * hq * sq, 0));
        for (int n = 0; n < q.Length; n++) q[n] = 0.01f * (n % 17);
        for (int n = 0; n < k.Length; n++) k[n] = 0.02f * (n % 13) - 0.1f;
        for (int n = 0; n < v.Length; n++) v[n] = 0.03f * (n % 11);
        return new Invocation(output, lseBuffer, reference =>
        {
            if (reference) F32BhsdPlain.Reference(q, k, v, output, B: b, Hq: hq, Sq: sq, D: d, Hkv: hkv, Sk: sk, lse: lseBuffer);
            else F32BhsdPlain.Run(q, k, v, output, B: b, Hq: hq, Sq: sq, D: d, Hkv: hkv, Sk: sk, lse: lseBuffer);
        });
    }

    private static Invocation ConstKWrongHeads()
    {
        // F16D128G4: const Hq 16, Hkv 4, D 128; Bhsd. B 1, Sq 2, Sk 3; k sized for Hkv 8.
        var q = new Half[1 * 16 * 2 * 128];
        var k = new Half[1 * 8 * 3 * 128];
        var v = new Half[1 * 4 * 3 * 128];
        var output = Enumerable.Repeat((Half)Sentinel, q.Length).ToArray();
        var lse = Filled(1 * 16 * 2);
        return new Invocation(output, lse, reference =>
        {
            if (reference) F16D128G4.Reference(q, k, v, output, B: 1, Sq: 2, Sk: 3, lse: lse);
            else F16D128G4.Run(q, k, v, output, B: 1, Sq: 2, Sk: 3, lse: lse);
        });
    }

    private static Invocation ConstHqOddKvHeads()
    {
        // F32ConstHqRuntimeHkv: const Hq 8, D 32; Hkv 3 cannot split 8 query heads. B 1, Sq 2, Sk 3.
        var q = new float[1 * 8 * 2 * 32];
        var k = new float[1 * 3 * 3 * 32];
        var v = new float[1 * 3 * 3 * 32];
        var output = Filled(q.Length);
        var lse = Filled(1 * 8 * 2);
        return new Invocation(output, lse, reference =>
        {
            if (reference) F32ConstHqRuntimeHkv.Reference(q, k, v, output, B: 1, Sq: 2, Hkv: 3, Sk: 3, lse: lse);
            else F32ConstHqRuntimeHkv.Run(q, k, v, output, B: 1, Sq: 2, Hkv: 3, Sk: 3, lse: lse);
        });
    }

    private static Invocation SinksTooShort()
    {
        var (q, k, v) = (new float[120], new float[140], new float[140]);
        var output = Filled(120);
        var lse = Filled(24);
        var sinks = new float[Hq - 1];
        return new Invocation(output, lse, reference =>
        {
            if (reference) F32BhsdSinks.Reference(q, k, v, sinks, output, B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: lse);
            else F32BhsdSinks.Run(q, k, v, sinks, output, B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: lse);
        });
    }

    private static Invocation SlopesTooLong()
    {
        var (q, k, v) = (new float[120], new float[140], new float[140]);
        var output = Filled(120);
        var lse = Filled(24);
        var slopes = new float[Hq + 1];
        return new Invocation(output, lse, reference =>
        {
            if (reference) F32BhsdAlibi.Reference(q, k, v, slopes, output, B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: lse);
            else F32BhsdAlibi.Run(q, k, v, slopes, output, B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: lse);
        });
    }

    private static Invocation BiasFullInsteadOfBroadcast()
    {
        // F32BhsdBiasHeadKey declares bias [1, Hq, 1, Sk] = 4·7 = 28 elements; pass [1, Hq, Sq, Sk] = 84.
        var (q, k, v) = (new float[120], new float[140], new float[140]);
        var output = Filled(120);
        var lse = Filled(24);
        var bias = new float[1 * Hq * Sq * Sk];
        return new Invocation(output, lse, reference =>
        {
            if (reference) F32BhsdBiasHeadKey.Reference(q, k, v, bias, output, B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: lse);
            else F32BhsdBiasHeadKey.Run(q, k, v, bias, output, B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: lse);
        });
    }

    /// <summary>
    /// A ShapeException's stack trace reads like the user's code: the generated entry point (F32BhsdPlain.Run) and the
    /// runtime's guard, never the compiler's mangled name of the generated file-local class.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StackTraceNamesTheEntryPointNotTheGeneratedClass(bool reference)
    {
        var invocation = Plain(dq: -1);
        var e = Assert.Throws<ShapeException>(() => invocation.Call(reference));
        Assert.Contains(reference ? "F32BhsdPlain.Reference(" : "F32BhsdPlain.Run(", e.StackTrace, StringComparison.Ordinal);
        Assert.DoesNotContain("__TensorDsl", e.StackTrace, StringComparison.Ordinal);
        Assert.DoesNotContain("<", e.StackTrace!.Split('\n').First(l => l.Contains("F32BhsdPlain", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    /// <summary>The element count plus an offset, or a stand-in length of 1 when the count is negative or huge (the call must throw before reading it).</summary>
    private static int Length(long count, int offset) => count < 0 || count > 1 << 24 ? 1 : (int)count + offset;

    private static float[] Filled(int length) => Enumerable.Repeat(Sentinel, length).ToArray();
}
