using System;

namespace TensorDsl.Cpu;

/// <summary>
/// One validated <see cref="AttentionDriver.Run"/> call: the spans, the problem's sizes and the scratch rows,
/// held together so the loops below read as the algorithm (per sequence, per KV head, per query head of its
/// group, per query row) instead of threading a dozen arguments through every level.
/// </summary>
internal ref struct Pass<TSpec, TQ, TKV, TO>
    where TSpec : struct, IAttentionSpec
    where TQ : unmanaged
    where TKV : unmanaged
    where TO : unmanaged
{
    private readonly ReadOnlySpan<TQ> _q;
    private readonly ReadOnlySpan<TKV> _k;
    private readonly ReadOnlySpan<TKV> _v;
    private readonly Span<TO> _output;
    private readonly Span<float> _lse;
    private readonly ReadOnlySpan<float> _sinks;
    private readonly ScoreInputs _inputs;
    private readonly Span<float> _qRow;
    private readonly Span<float> _acc;
    private readonly RowAddressing _qAddress, _outputAddress;
    private readonly KvAddressing _kAddress, _vAddress;
    private readonly bool _varlen;
    private readonly int _batch, _queryHeads, _group, _queryLength, _kvLength, _tokens;
    private readonly HeadRange _heads;
    private ReadOnlySpan<int> _blockTable;
    private int _maxBlocks;

    public Pass(
        in AttentionProblem problem,
        ReadOnlySpan<TQ> q, ReadOnlySpan<TKV> k, ReadOnlySpan<TKV> v, Span<TO> output, Span<float> lse,
        ReadOnlySpan<float> sinks, in ScoreInputs inputs, Span<float> qRow, Span<float> acc)
    {
        _q = q;
        _k = k;
        _v = v;
        _output = output;
        _lse = lse;
        _sinks = sinks;
        _inputs = inputs;
        _qRow = qRow;
        _acc = acc;
        _qAddress = problem.Q;
        _outputAddress = problem.Output;
        _kAddress = problem.K;
        _vAddress = problem.V;
        _varlen = problem.IsVarlen;
        _batch = problem.Batch;
        _queryHeads = problem.QueryHeads;
        _group = problem.QueryHeads / problem.KvHeads;
        _queryLength = problem.QueryLength;
        _kvLength = problem.KvLength;
        _tokens = problem.IsVarlen ? problem.Metadata!.NumTokens : 0;
        _heads = problem.Heads;
    }

    public void Run(VarlenBatch? metadata)
    {
        if (!_varlen)
        {
            for (int b = 0; b < _batch; b++)
            {
                Sequence(b, 0, _queryLength, 0, _kvLength);
            }

            return;
        }

        var starts = metadata!.QueryStartLoc.Span;
        var lens = metadata.SeqLens.Span;
        if (metadata is PagedBatch paged)
        {
            _blockTable = paged.BlockTable.Span;
            _maxBlocks = paged.MaxBlocksPerSequence;
        }

        // Token K/V: sequence b's keys start after all earlier sequences' keys — a running prefix sum, no array.
        int kvStart = 0;
        for (int b = 0; b < _batch; b++)
        {
            int queryStart = starts[b];
            Sequence(b, queryStart, starts[b + 1] - queryStart, kvStart, lens[b]);
            kvStart += lens[b];
        }
    }

    private void Sequence(int b, int queryStart, int queryLength, int kvStart, int kvLength)
    {
        if (queryLength <= 0)
        {
            return;
        }

        // The KV heads whose query-head group meets the head range, then the range's heads of each group.
        int first = _heads.Start, end = _heads.Start + _heads.Count;
        for (int kvHead = first / _group; kvHead <= (end - 1) / _group; kvHead++)
        {
            int hEnd = Math.Min(end, (kvHead + 1) * _group);
            for (int h = Math.Max(first, kvHead * _group); h < hEnd; h++)
            {
                for (int i = 0; i < queryLength; i++)
                {
                    Row(b, h, kvHead, i, queryStart, queryLength, kvStart, kvLength);
                }
            }
        }
    }

    private void Row(int b, int h, int kvHead, int i, int queryStart, int queryLength, int kvStart, int kvLength)
    {
        int headDim = _qRow.Length;
        int p = kvLength - queryLength + i; // bottom-right aligned absolute position; negative when Lk < Lq
        Element<TQ>.Widen(_q.Slice(_qAddress.Offset(b, h, i, queryStart), headDim), _qRow);

        TSpec.Mask.Range(p, kvLength, out int lo, out int hi);
        float m = float.NegativeInfinity, l = 0f;
        _acc.Clear();
        for (int j = lo; j <= hi; j++)
        {
            if (TSpec.HasPredicate && !TSpec.Visible(b, h, p, j))
            {
                continue;
            }

            int keyOffset = _kAddress.Offset(b, kvHead, j, kvStart, _blockTable, _maxBlocks);
            float s = Element<TKV>.Dot(_qRow, _k.Slice(keyOffset, headDim));
            s = TSpec.Score(in _inputs, b, h, i, p, j, s);
            if (float.IsNegativeInfinity(s))
            {
                continue; // e^-inf adds nothing; a row whose scores are all -inf counts as empty
            }

            float mNew = MathF.Max(m, s); // NaN propagates
            float correction = MathF.Exp(m - mNew);
            float weight = MathF.Exp(s - mNew);
            float lNew = l * correction + weight;
            float carry = l * correction / lNew, take = weight / lNew;
            l = lNew;
            int valueOffset = _vAddress.Offset(b, kvHead, j, kvStart, _blockTable, _maxBlocks);
            Element<TKV>.Accumulate(_acc, carry, take, _v.Slice(valueOffset, _acc.Length));
            m = mNew;
        }

        Finish(b, h, i, queryStart, m, l);
    }

    /// <summary>Normalises the row (sinks join the denominator only), writes its output and LSE.</summary>
    private void Finish(int b, int h, int i, int queryStart, float m, float l)
    {
        var outputRow = _output.Slice(_outputAddress.Offset(b, h, i, queryStart), _acc.Length);
        int lseIndex = _varlen ? h * _tokens + queryStart + i : (b * _queryHeads + h) * _queryLength + i;
        if (l == 0f)
        {
            // No visible key: output 0 and LSE -inf, never NaN (sinks included).
            outputRow.Clear();
            if (!_lse.IsEmpty) _lse[lseIndex] = float.NegativeInfinity;
            return;
        }

        float factor = 1f; // acc is already normalised by l
        float logSumExp;
        if (_sinks.IsEmpty)
        {
            logSumExp = m + MathF.Log(l);
        }
        else
        {
            float sink = _sinks[h];
            float mAll = MathF.Max(m, sink);
            float keep = MathF.Exp(m - mAll);
            float denominator = l * keep + MathF.Exp(sink - mAll);
            factor = l * keep / denominator;
            logSumExp = mAll + MathF.Log(denominator);
        }

        if (!_lse.IsEmpty) _lse[lseIndex] = logSumExp;
        Element<TO>.Narrow(_acc, factor, outputRow);
    }
}
