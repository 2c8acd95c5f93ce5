using System;
using TensorDsl.Bench.Harness;
using TensorDsl.Bench.Kernels;
using TensorDsl.Bench.Onnx;

namespace TensorDsl.Bench.Cases;

/// <summary>
/// P1 (B=1, L=2048) and P2 (B=4, L=512): causal GQA prefill, Hq 32 over Hkv 8, D 128, fp32, no past.
/// ONNX Runtime: com.microsoft GroupQueryAttention without past; its present_key/present_value outputs (the K/V
/// it must copy into BNSH) are bound to preallocated arrays.
/// </summary>
internal sealed class PrefillGqaCase : BenchCase
{
    internal const int Hq = 32, Hkv = 8, D = 128;
    private readonly int _batch, _length;
    private float[] _q = [], _k = [], _v = [], _output = [], _ortOutput = [], _presentK = [], _presentV = [];
    private OrtAttention? _ort;
    private OrtCall? _call;

    public PrefillGqaCase(string name, int batch, int length, bool smoke) : base(smoke)
    {
        Name = name;
        _batch = batch;
        _length = length;
    }

    public override string Name { get; }

    /// <summary>The prepared inputs, for peers (<see cref="IPeer"/>): q and output [B, L, Hq, D], K/V [B, L, Hkv, D].</summary>
    internal (int Batch, int Length, float[] Q, float[] K, float[] V) Inputs => (_batch, _length, _q, _k, _v);

    public override string Description => $"prefill B={_batch} L={_length} causal, Hq {Hq} / Hkv {Hkv}, D {D}, fp32";

    public override double Flops => 4.0 * _batch * Hq * _length * (double)_length * D / 2; // causal, Lq = Lkv: halved

    public override Bound Bound => Bound.FmaPeak;

    public override double KvBytes => 2.0 * _batch * Hkv * _length * D * sizeof(float);

    public override string OrtPlan => "com.microsoft GroupQueryAttention, no past (present K/V bound to preallocated buffers)";

    public override void Prepare(Random random)
    {
        _q = Data.Uniform((long)_batch * _length * Hq * D, random);
        _k = Data.Uniform((long)_batch * _length * Hkv * D, random);
        _v = Data.Uniform((long)_batch * _length * Hkv * D, random);
        _output = new float[_q.Length];
    }

    public override void RunOurs() => PrefillGqa.Run(_q, _k, _v, _output, _batch, _length);

    public override float[] OursOutput() => _output;

    public override double ReferenceError()
    {
        var expected = new float[_output.Length];
        PrefillGqa.Reference(_q, _k, _v, expected, _batch, _length);
        return Data.MaxAbsError(_output, expected);
    }

    public override void PrepareOrt(int threads)
    {
        _ortOutput = new float[_output.Length];
        _presentK = new float[_k.Length];
        _presentV = new float[_v.Length];
        var seqlensK = new int[_batch];
        Array.Fill(seqlensK, _length - 1);
        _ort = new OrtAttention(
            OnnxModels.GroupQueryAttention(TensorProto.Types.DataType.Float, Hq, Hkv, Scale, withPast: false), threads);
        _call = _ort.NewCall()
            .Input<float>("query", _q, _batch, _length, Hq * D)
            .Input<float>("key", _k, _batch, _length, Hkv * D)
            .Input<float>("value", _v, _batch, _length, Hkv * D)
            .Input<int>("seqlens_k", seqlensK, _batch)
            .Input<int>("total_sequence_length", new[] { _length })
            .Output<float>("output", _ortOutput, _batch, _length, Hq * D)
            .Output<float>("present_key", _presentK, _batch, Hkv, _length, D)
            .Output<float>("present_value", _presentV, _batch, Hkv, _length, D);
    }

    public override void RunOrt() => _call!.Run();

    public override float[] OrtOutput() => _ortOutput;

    public override void Release()
    {
        _ort?.Dispose();
        _ort = null;
        _call = null;
        _q = _k = _v = _output = _ortOutput = _presentK = _presentV = [];
    }

    internal static float Scale => (float)(1 / Math.Sqrt(D));
}

/// <summary>
/// P3 (B=1, L=1024): multi-head attention with Hq = Hkv = 32, no mask, D 128, fp32. ONNX Runtime's
/// GroupQueryAttention is always causal, so this case runs com.microsoft MultiHeadAttention (no mask, no cache).
/// </summary>
internal sealed class PrefillMhaCase : BenchCase
{
    internal const int H = 32, D = 128;
    private readonly int _batch, _length;
    private float[] _q = [], _k = [], _v = [], _output = [], _ortOutput = [];
    private OrtAttention? _ort;
    private OrtCall? _call;

    public PrefillMhaCase(string name, int batch, int length, bool smoke) : base(smoke)
    {
        Name = name;
        _batch = batch;
        _length = length;
    }

    public override string Name { get; }

    /// <summary>The prepared inputs, for peers (<see cref="IPeer"/>): q and output [B, L, H, D], K/V [B, L, H, D].</summary>
    internal (int Batch, int Length, float[] Q, float[] K, float[] V) Inputs => (_batch, _length, _q, _k, _v);

    public override string Description => $"B={_batch} L={_length} non-causal, Hq = Hkv = {H}, D {D}, fp32";

    public override double Flops => 4.0 * _batch * H * _length * (double)_length * D;

    public override Bound Bound => Bound.FmaPeak;

    public override double KvBytes => 2.0 * _batch * H * _length * D * sizeof(float);

    public override string OrtPlan => "com.microsoft MultiHeadAttention (GroupQueryAttention is always causal)";

    public override void Prepare(Random random)
    {
        long elements = (long)_batch * _length * H * D;
        _q = Data.Uniform(elements, random);
        _k = Data.Uniform(elements, random);
        _v = Data.Uniform(elements, random);
        _output = new float[_q.Length];
    }

    public override void RunOurs() => PrefillMha.Run(_q, _k, _v, _output, _batch, _length, _length);

    public override float[] OursOutput() => _output;

    public override double ReferenceError()
    {
        var expected = new float[_output.Length];
        PrefillMha.Reference(_q, _k, _v, expected, _batch, _length, _length);
        return Data.MaxAbsError(_output, expected);
    }

    public override void PrepareOrt(int threads)
    {
        _ortOutput = new float[_output.Length];
        _ort = new OrtAttention(
            OnnxModels.MultiHeadAttention(TensorProto.Types.DataType.Float, H, (float)(1 / Math.Sqrt(D))), threads);
        _call = _ort.NewCall()
            .Input<float>("query", _q, _batch, _length, H * D)
            .Input<float>("key", _k, _batch, _length, H * D)
            .Input<float>("value", _v, _batch, _length, H * D)
            .Output<float>("output", _ortOutput, _batch, _length, H * D);
    }

    public override void RunOrt() => _call!.Run();

    public override float[] OrtOutput() => _ortOutput;

    public override void Release()
    {
        _ort?.Dispose();
        _ort = null;
        _call = null;
        _q = _k = _v = _output = _ortOutput = [];
    }
}
