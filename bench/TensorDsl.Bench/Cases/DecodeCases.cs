using System;
using Microsoft.ML.OnnxRuntime;
using TensorDsl.Bench.Harness;
using TensorDsl.Bench.Kernels;
using TensorDsl.Bench.Onnx;

namespace TensorDsl.Bench.Cases;

/// <summary>
/// D1: one decode step, B sequences of Lkv cached tokens each, Hq 32 over Hkv 8, D 128, fp32; the K/V cache is
/// <c>[B, Hkv, Lkv, D]</c> (ONNX Runtime's BNSH). ONNX Runtime: com.microsoft GroupQueryAttention with one
/// max-length cache buffer per K and V bound as both past and present (so the kernel appends the new token in place
/// instead of copying the cache); the new token's K/V are the cache's last position, so the appends rewrite the
/// same values and every call reads the same cache.
/// </summary>
internal sealed class DecodeCase : BenchCase
{
    internal const int Hq = 32, Hkv = 8, D = 128;
    private readonly int _batch, _length;
    private float[] _q = [], _k = [], _v = [], _output = [], _ortK = [], _ortV = [], _ortOutput = [];
    private OrtAttention? _ort;
    private OrtCall? _call;

    public DecodeCase(string name, int batch, int length, bool smoke) : base(smoke)
    {
        Name = name;
        _batch = batch;
        _length = length;
    }

    public override string Name { get; }

    /// <summary>The prepared inputs, for peers (<see cref="IPeer"/>): q and output [B, 1, Hq, D], K/V [B, Hkv, L, D].</summary>
    internal (int Batch, int Length, float[] Q, float[] K, float[] V) Inputs => (_batch, _length, _q, _k, _v);

    public override string Description => $"decode B={_batch} Lq=1 Lkv={_length}, Hq {Hq} / Hkv {Hkv}, D {D}, fp32 K/V";

    public override double Flops => 4.0 * _batch * Hq * _length * D;

    public override Bound Bound => Bound.ReadBandwidth;

    public override double KvBytes => 2.0 * _batch * Hkv * _length * D * sizeof(float);

    public override string OrtPlan => "com.microsoft GroupQueryAttention, one max-length cache bound as past and present (in place)";

    public override void Prepare(Random random)
    {
        _q = Data.Uniform((long)_batch * Hq * D, random);
        _k = Data.Uniform((long)_batch * Hkv * _length * D, random);
        _v = Data.Uniform((long)_batch * Hkv * _length * D, random);
        _output = new float[_q.Length];
    }

    public override void RunOurs() => DecodeGqa.Run(_q, _k, _v, _output, _batch, _length);

    public override float[] OursOutput() => _output;

    public override double ReferenceError()
    {
        var expected = new float[_output.Length];
        DecodeGqa.Reference(_q, _k, _v, expected, _batch, _length);
        return Data.MaxAbsError(_output, expected);
    }

    public override void PrepareOrt(int threads)
    {
        _ortK = (float[])_k.Clone(); // ORT writes the new token into its cache; ours stays untouched
        _ortV = (float[])_v.Clone();
        _ortOutput = new float[_output.Length];
        _ort = new OrtAttention(
            OnnxModels.GroupQueryAttention(TensorProto.Types.DataType.Float, Hq, Hkv, PrefillGqaCase.Scale, withPast: true), threads);
        _call = BindDecode(_ort, _batch, _length, _q, _ortK, _ortV, _ortOutput);
    }

    public override void RunOrt() => _call!.Run();

    public override float[] OrtOutput() => _ortOutput;

    public override void Release()
    {
        _ort?.Dispose();
        _ort = null;
        _call = null;
        _q = _k = _v = _output = _ortK = _ortV = _ortOutput = [];
    }

    /// <summary>
    /// Binds one GroupQueryAttention decode step: query <c>[B, 1, Hq·D]</c>, the new token's K/V (the cache's last
    /// position) <c>[B, 1, Hkv·D]</c>, the cache <c>[B, Hkv, L, D]</c> as past_key/present_key (and value) at once,
    /// seqlens_k = L − 1 and total_sequence_length = L.
    /// </summary>
    internal static OrtCall BindDecode<T>(OrtAttention ort, int batch, int length, T[] query, T[] keyCache, T[] valueCache, T[] output)
        where T : unmanaged
    {
        var seqlensK = new int[batch];
        Array.Fill(seqlensK, length - 1);
        return ort.NewCall()
            .Input<T>("query", query, batch, 1, Hq * D)
            .Input<T>("key", Data.BhsdToBshd<T>(keyCache, batch, Hkv, length, D, length - 1, 1), batch, 1, Hkv * D)
            .Input<T>("value", Data.BhsdToBshd<T>(valueCache, batch, Hkv, length, D, length - 1, 1), batch, 1, Hkv * D)
            .Shared<T>("past_key", "present_key", keyCache, batch, Hkv, length, D)
            .Shared<T>("past_value", "present_value", valueCache, batch, Hkv, length, D)
            .Input<int>("seqlens_k", seqlensK, batch)
            .Input<int>("total_sequence_length", new[] { length })
            .Output<T>("output", output, batch, 1, Hq * D);
    }
}

/// <summary>
/// D1h: D1 with an fp16 (<see cref="Half"/>) K/V cache and fp32 queries and output (K/V have their own element
/// type). ONNX Runtime's
/// GroupQueryAttention takes one element type for q, k, v and the caches, so it runs all-fp16 (its CPU kernel has
/// an fp16 version): the queries are drawn as fp32 numbers fp16 holds exactly, so both sides get the same inputs,
/// and ONNX Runtime's fp16 output is widened for the check.
/// </summary>
internal sealed class DecodeHalfKvCase : BenchCase
{
    private const int Hq = 32, Hkv = 8, D = 128;
    private readonly int _batch, _length;
    private float[] _q = [], _output = [];
    private Half[] _k = [], _v = [];
    private Float16[] _ortQ = [], _ortK = [], _ortV = [], _ortOutput = [];
    private OrtAttention? _ort;
    private OrtCall? _call;

    public DecodeHalfKvCase(string name, int batch, int length, bool smoke) : base(smoke)
    {
        Name = name;
        _batch = batch;
        _length = length;
    }

    public override string Name { get; }

    /// <summary>The prepared inputs, for peers (<see cref="IPeer"/>): q and output [B, 1, Hq, D] (fp32 numbers fp16 holds exactly), K/V [B, Hkv, L, D] fp16.</summary>
    internal (int Batch, int Length, float[] Q, Half[] K, Half[] V) Inputs => (_batch, _length, _q, _k, _v);

    public override string Description => $"decode B={_batch} Lq=1 Lkv={_length}, Hq {Hq} / Hkv {Hkv}, D {D}, fp32 q over fp16 K/V";

    public override double Flops => 4.0 * _batch * Hq * _length * D;

    public override Bound Bound => Bound.ReadBandwidth;

    public override double KvBytes => 2.0 * _batch * Hkv * _length * D * 2; // sizeof(Half)

    public override string OrtPlan => "com.microsoft GroupQueryAttention in fp16 for q, K/V and output (one dtype), cache bound as past and present";

    /// <summary>ONNX Runtime's output is fp16: half an fp16 ulp near 1 is 2.4e-4, plus its fp16 softmax/products.</summary>
    public override double OrtTolerance => 2e-3;


    public override void Prepare(Random random)
    {
        _q = Data.UniformHalfExact((long)_batch * Hq * D, random);
        _k = Data.ToHalf(Data.Uniform((long)_batch * Hkv * _length * D, random));
        _v = Data.ToHalf(Data.Uniform((long)_batch * Hkv * _length * D, random));
        _output = new float[_q.Length];
    }

    public override void RunOurs() => DecodeGqaHalfKv.Run(_q, _k, _v, _output, _batch, _length);

    public override double ReferenceError()
    {
        var expected = new float[_output.Length];
        DecodeGqaHalfKv.Reference(_q, _k, _v, expected, _batch, _length);
        return Data.MaxAbsError(_output, expected);
    }

    public override float[] OursOutput() => _output;

    public override void PrepareOrt(int threads)
    {
        _ortQ = Data.ToOrtHalf(Data.ToHalf(_q)); // exact: _q holds fp16 numbers
        _ortK = Data.ToOrtHalf(_k);
        _ortV = Data.ToOrtHalf(_v);
        _ortOutput = new Float16[_output.Length];
        _ort = new OrtAttention(
            OnnxModels.GroupQueryAttention(TensorProto.Types.DataType.Float16, Hq, Hkv, PrefillGqaCase.Scale, withPast: true), threads);
        _call = DecodeCase.BindDecode(_ort, _batch, _length, _ortQ, _ortK, _ortV, _ortOutput);
    }

    public override void RunOrt() => _call!.Run();

    public override float[] OrtOutput() => Data.ToFloat(_ortOutput);

    public override void Release()
    {
        _ort?.Dispose();
        _ort = null;
        _call = null;
        _q = _output = [];
        _k = _v = [];
        _ortQ = _ortK = _ortV = _ortOutput = [];
    }
}
