using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Bench.Harness;
using TensorDsl.Bench.Kernels;
using TensorDsl.Bench.Onnx;

namespace TensorDsl.Bench.Cases;

/// <summary>
/// M1: a vLLM v1 mixed batch in one paged call — one prefill, one chunk of a chunked prefill and many decodes,
/// fp32, Hq 32 over Hkv 8, D 128, a paged cache of 16-token blocks through a shuffled block table. The context
/// lengths of the decodes come from a fixed seed. The context is stored straight into the cache; the new tokens'
/// K/V go in through slot_mapping (<c>WriteCache</c>, vLLM's reshape_and_cache) before timing.
/// <para>ONNX Runtime has no paged varlen attention on the CPU, and its GroupQueryAttention takes a past together
/// with several new tokens only at batch size 1, so it gets one GroupQueryAttention call per sequence (B = 1),
/// each over that sequence's own contiguous BNSH cache bound as past and present (appending in place). One timed
/// ONNX Runtime "call" is all of them in a row.</para>
/// </summary>
internal sealed class MixedBatchCase : BenchCase
{
    internal const int Hq = 32, Hkv = 8, D = 128, BlockSize = 16;
    private const int Row = Hkv * D; // one token's K (or V) in the cache

    private readonly int[] _queryLens;
    private readonly int[] _seqLens;
    private readonly string _shape;
    private int[] _queryStart = [];
    private PagedBatch? _batch;
    private float[] _q = [], _kCache = [], _vCache = [], _output = [], _ortOutput = [];
    private float[][] _kSeq = [], _vSeq = []; // per sequence [1, Hkv, L, D]: ORT's caches
    private OrtAttention? _ort;
    private readonly List<OrtCall> _calls = new();

    public MixedBatchCase(string name, bool smoke) : base(smoke)
    {
        Name = name;
        // (prefill length, chunk length, chunk context, decodes, shortest and longest decode context)
        var (prefill, chunk, chunkContext, decodes, shortest, longest) = smoke ? (40, 16, 64, 3, 20, 100) : (512, 128, 1024, 14, 256, 4096);
        var lengths = new Random(20240601); // the decode contexts: fixed, independent of the data seed
        var decodeContexts = Enumerable.Range(0, decodes).Select(_ => lengths.Next(shortest, longest + 1)).ToArray();
        _queryLens = new[] { prefill, chunk }.Concat(Enumerable.Repeat(1, decodes)).ToArray();
        _seqLens = new[] { prefill, chunkContext }.Concat(decodeContexts).ToArray();
        _shape = $"1 prefill of {prefill}, 1 chunk of {chunk} on a {chunkContext}-token context, {decodes} decodes on " +
                 $"{decodeContexts.Min()}..{decodeContexts.Max()} (seeded)";
    }

    public override string Name { get; }

    public override string Description =>
        $"paged mixed batch: {_shape}; T={_queryLens.Sum()}, block size {BlockSize}, Hq {Hq} / Hkv {Hkv}, D {D}, fp32";

    /// <summary>
    /// The prepared inputs, for peers (<see cref="IPeer"/>): q and output <c>[T, Hq, D]</c> with sequence b's rows
    /// at <c>QueryStart[b]</c>, and every sequence's K/V gathered out of the pages, <c>[1, Hkv, SeqLens[b], D]</c>
    /// (ONNX Runtime's caches, the same values as the pages).
    /// </summary>
    internal (IReadOnlyList<int> QueryLens, int[] QueryStart, float[] Q, float[][] K, float[][] V) Inputs =>
        (_queryLens, _queryStart, _q, _kSeq, _vSeq);

    /// <summary>The decode contexts, for the docs.</summary>
    public IReadOnlyList<int> SeqLens => _seqLens;

    public override double Flops
    {
        get
        {
            double pairs = 0;
            for (int b = 0; b < _seqLens.Length; b++)
            {
                pairs += CausalPairs(_queryLens[b], _seqLens[b]);
            }

            return 4.0 * Hq * D * pairs;
        }
    }

    public override Bound Bound => Bound.FmaPeak;

    public override double KvBytes => 2.0 * Row * sizeof(float) * _seqLens.Sum(x => (double)x);

    public override string OrtPlan =>
        $"com.microsoft GroupQueryAttention, {_seqLens.Length} calls of B=1 (one per sequence), each cache bound as past and present";

    public override void Prepare(Random random)
    {
        int sequences = _seqLens.Length;
        _queryStart = new int[sequences + 1];
        for (int b = 0; b < sequences; b++)
        {
            _queryStart[b + 1] = _queryStart[b] + _queryLens[b];
        }

        int tokens = _queryStart[sequences];

        // Block table: every sequence's blocks drawn from one shuffled pool (pages land anywhere in the cache).
        var blocksUsed = _seqLens.Select(length => (length + BlockSize - 1) / BlockSize).ToArray();
        int maxBlocks = blocksUsed.Max();
        int numBlocks = blocksUsed.Sum() + 3; // a few blocks no sequence uses
        var pool = Enumerable.Range(0, numBlocks).ToArray();
        random.Shuffle(pool);
        var blockTable = new int[sequences * maxBlocks];
        int next = 0;
        for (int b = 0; b < sequences; b++)
        {
            for (int i = 0; i < blocksUsed[b]; i++)
            {
                blockTable[b * maxBlocks + i] = pool[next++];
            }
        }

        int Slot(int b, int position) => blockTable[b * maxBlocks + position / BlockSize] * BlockSize + position % BlockSize;

        // Every sequence's K/V ([1, Hkv, L, D], what ORT's cache holds); the context goes straight into the pages.
        _kSeq = new float[sequences][];
        _vSeq = new float[sequences][];
        _kCache = new float[(long)numBlocks * BlockSize * Row];
        _vCache = new float[_kCache.Length];
        var slotMapping = new int[tokens];
        var newKeys = new float[(long)tokens * Row];
        var newValues = new float[newKeys.Length];
        for (int b = 0; b < sequences; b++)
        {
            int length = _seqLens[b], past = length - _queryLens[b];
            _kSeq[b] = Data.Uniform((long)Hkv * length * D, random);
            _vSeq[b] = Data.Uniform((long)Hkv * length * D, random);
            for (int j = 0; j < length; j++)
            {
                bool isNew = j >= past;
                int token = _queryStart[b] + j - past;
                if (isNew)
                {
                    slotMapping[token] = Slot(b, j);
                }

                for (int g = 0; g < Hkv; g++)
                {
                    var kRow = _kSeq[b].AsSpan((g * length + j) * D, D);
                    var vRow = _vSeq[b].AsSpan((g * length + j) * D, D);
                    long at = isNew ? (long)token * Row + g * D : (long)Slot(b, j) * Row + g * D;
                    kRow.CopyTo((isNew ? newKeys : _kCache).AsSpan((int)at, D));
                    vRow.CopyTo((isNew ? newValues : _vCache).AsSpan((int)at, D));
                }
            }
        }

        _batch = PagedBatch.Create(_queryStart, _seqLens, blockTable, maxBlocks, slotMapping);
        PagedMixedBatch.WriteCache(newKeys, newValues, _kCache, _vCache, _batch);

        _q = Data.Uniform((long)tokens * Hq * D, random);
        _output = new float[_q.Length];
    }

    public override void RunOurs() => PagedMixedBatch.Run(_q, _kCache, _vCache, _output, _batch!);

    public override float[] OursOutput() => _output;

    public override double ReferenceError()
    {
        var expected = new float[_output.Length];
        PagedMixedBatch.Reference(_q, _kCache, _vCache, expected, _batch!);
        return Data.MaxAbsError(_output, expected);
    }

    public override void PrepareOrt(int threads)
    {
        _ortOutput = new float[_output.Length];
        _ort = new OrtAttention(
            OnnxModels.GroupQueryAttention(TensorProto.Types.DataType.Float, Hq, Hkv, PrefillGqaCase.Scale, withPast: true), threads);
        for (int b = 0; b < _seqLens.Length; b++)
        {
            int length = _seqLens[b], lq = _queryLens[b];
            var rows = new Memory<float>(_q, _queryStart[b] * Hq * D, lq * Hq * D);
            var outRows = new Memory<float>(_ortOutput, _queryStart[b] * Hq * D, lq * Hq * D);
            _calls.Add(_ort.NewCall()
                .Input("query", rows, 1, lq, Hq * D)
                .Input<float>("key", Data.BhsdToBshd<float>(_kSeq[b], 1, Hkv, length, D, length - lq, lq), 1, lq, Hkv * D)
                .Input<float>("value", Data.BhsdToBshd<float>(_vSeq[b], 1, Hkv, length, D, length - lq, lq), 1, lq, Hkv * D)
                .Shared<float>("past_key", "present_key", _kSeq[b], 1, Hkv, length, D)
                .Shared<float>("past_value", "present_value", _vSeq[b], 1, Hkv, length, D)
                .Input<int>("seqlens_k", new[] { length - 1 }, 1)
                .Input<int>("total_sequence_length", new[] { length })
                .Output("output", outRows, 1, lq, Hq * D));
        }
    }

    public override void RunOrt()
    {
        foreach (var call in _calls)
        {
            call.Run();
        }
    }

    public override float[] OrtOutput() => _ortOutput;

    public override void Release()
    {
        _ort?.Dispose();
        _ort = null;
        _calls.Clear();
        _batch = null;
        _q = _kCache = _vCache = _output = _ortOutput = [];
        _kSeq = _vSeq = [];
    }
}
