using System;
using System.Collections.Generic;
using TensorDsl.Bench.Cases;
using TorchSharp;
using static TorchSharp.torch;

namespace TensorDsl.Bench.Torch;

/// <summary>
/// PyTorch's <c>torch.nn.functional.scaled_dot_product_attention</c> (LibTorch CPU through TorchSharp) on each case,
/// written as a PyTorch user would: fp32 tensors in torch's <c>[B, H, S, D]</c> order, <c>is_causal</c> for causal
/// prefill, the default scale 1/√D (the kernels' <c>Rsqrt(128)</c>). Everything except the SDPA calls happens once in
/// <see cref="Prepare"/>, outside the timed region: the inputs are copied into torch tensors (<c>torch.tensor</c>
/// copies), q/k/v of the <c>[B, S, H, D]</c> cases are <c>permute</c> views of those copies (no copy), and where GQA
/// needs K/V per query head they are <c>repeat_interleave</c>d once — TorchSharp 0.107's SDPA has no
/// <c>enable_gqa</c> (nor <c>scale</c>). One timed call allocates its output, as a torch call does. The mapping per
/// case is in docs/benchmarks.md, "PyTorch SDPA (opt-in)".
/// </summary>
internal sealed class TorchPeer : IPeer
{
    private int _threads;

    /// <summary>Loads LibTorch (throws when it cannot).</summary>
    public TorchPeer() => Version = torch.__version__;

    public string Name => "torch";

    public string Version { get; }

    public string Describe =>
        $"PyTorch {Version} CPU (LibTorch through TorchSharp {typeof(torch).Assembly.GetName().Version}), " +
        "torch.nn.functional.scaled_dot_product_attention; set_num_threads / set_num_interop_threads = --threads";

    public IPeerCall Prepare(BenchCase benchCase, int threads)
    {
        SetThreads(threads);
        return benchCase switch
        {
            PrefillGqaCase p => Prefill(p.Inputs, PrefillGqaCase.Hq, PrefillGqaCase.Hkv, PrefillGqaCase.D, causal: true),
            PrefillMhaCase p => Prefill(p.Inputs, PrefillMhaCase.H, PrefillMhaCase.H, PrefillMhaCase.D, causal: false),
            DecodeCase d => Decode(d.Inputs.Batch, d.Inputs.Length, d.Inputs.Q, Widen(d.Inputs.K), Widen(d.Inputs.V), half: false),
            DecodeHalfKvCase d => Decode(d.Inputs.Batch, d.Inputs.Length, d.Inputs.Q, Widen(d.Inputs.K), Widen(d.Inputs.V), half: true),
            MixedBatchCase m => Mixed(m),
            _ => throw new NotSupportedException($"no torch mapping for {benchCase.Name}"),
        };
    }

    private void SetThreads(int threads)
    {
        if (_threads == threads)
        {
            return;
        }

        torch.set_num_threads(threads);
        if (_threads == 0)
        {
            torch.set_num_interop_threads(threads); // once per process, before any inter-op work
        }

        _threads = threads;
    }

    /// <summary>
    /// P1/P2/P3: q <c>[B, L, Hq, D]</c> and K/V <c>[B, L, Hkv, D]</c> viewed as <c>[B, H, L, D]</c> with
    /// <c>permute(0, 2, 1, 3)</c>; K/V <c>repeat_interleave</c>d to Hq heads once when Hkv &lt; Hq.
    /// </summary>
    private static SdpaCall Prefill((int Batch, int Length, float[] Q, float[] K, float[] V) inputs, int hq, int hkv, int d, bool causal)
    {
        var (batch, length, q, k, v) = inputs;
        var held = new List<Tensor>();
        Tensor Hold(Tensor t)
        {
            held.Add(t);
            return t;
        }

        var qt = Hold(Hold(torch.tensor(q, new long[] { batch, length, hq, d })).permute(0, 2, 1, 3));
        var kt = Hold(Hold(torch.tensor(k, new long[] { batch, length, hkv, d })).permute(0, 2, 1, 3));
        var vt = Hold(Hold(torch.tensor(v, new long[] { batch, length, hkv, d })).permute(0, 2, 1, 3));
        string gqa = "";
        if (hkv != hq)
        {
            kt = Hold(kt.repeat_interleave(hq / hkv, dim: 1));
            vt = Hold(vt.repeat_interleave(hq / hkv, dim: 1));
            gqa = $", K/V repeat_interleave({hq / hkv}, dim=1) once outside timing (no enable_gqa in TorchSharp 0.107)";
        }

        string plan = $"sdpa(q, k, v{(causal ? ", is_causal=True" : "")}) fp32, q [B,Hq,L,D] a permute view of [B,L,Hq,D]{gqa}";
        return new SdpaCall(
            plan, 1e-3, held,
            [() => nn.functional.scaled_dot_product_attention(qt, kt, vt, is_casual: causal)],
            outputs => Floats(outputs[0].permute(0, 2, 1, 3))); // back to [B, L, Hq, D]
    }

    /// <summary>
    /// D1/D1h: the cache <c>[B, Hkv, L, D]</c> is torch's layout as it is. GQA without K/V copies: the Hq/Hkv query
    /// heads of a group read the same K/V head, so q <c>[B, 1, Hq, D]</c> is viewed as <c>[B, Hkv, Hq/Hkv, D]</c> —
    /// the group's heads as query rows over their shared cache head, non-causal (a decode token sees the whole cache).
    /// D1h: SDPA takes one dtype, so it runs all fp16 (the queries are fp16 numbers already), like ONNX Runtime.
    /// </summary>
    private static SdpaCall Decode(int batch, int length, float[] q, float[] k, float[] v, bool half)
    {
        const int Hq = DecodeCase.Hq, Hkv = DecodeCase.Hkv, D = DecodeCase.D;
        var held = new List<Tensor>();
        Tensor Hold(Tensor t)
        {
            held.Add(t);
            return t;
        }

        Tensor Typed(Tensor t) => half ? Hold(t.to(ScalarType.Float16)) : t;
        var qt = Typed(Hold(torch.tensor(q, new long[] { batch, Hkv, Hq / Hkv, D })));
        var kt = Typed(Hold(torch.tensor(k, new long[] { batch, Hkv, length, D })));
        var vt = Typed(Hold(torch.tensor(v, new long[] { batch, Hkv, length, D })));
        string plan = $"sdpa(q, k, v) {(half ? "all fp16 (q, K/V, output; one dtype)" : "fp32")}, cache [B,Hkv,L,D] as is, " +
                      $"q [B,1,Hq,D] viewed as [B,Hkv,{Hq / Hkv},D] (a group's query heads as rows over their K/V head: GQA without copies)";
        return new SdpaCall(
            plan, half ? 2e-3 : 1e-3, held,
            [() => nn.functional.scaled_dot_product_attention(qt, kt, vt)],
            outputs => Floats(outputs[0])); // [B, Hkv, G, D] is [B, 1, Hq, D] in memory
    }

    /// <summary>
    /// M1: one SDPA call per sequence over its K/V gathered out of the pages into <c>[1, Hkv, L, D]</c> once, outside
    /// timing (torch has no paged attention; the gather is what a user would do before calling it, and ONNX Runtime
    /// gets the same contiguous caches). Decodes as D1; the prefill <c>is_causal</c>; the chunk on a longer context
    /// with a bool mask <c>ones(lq, L).tril(L − lq)</c> (bottom-right causal: <c>is_causal</c> aligns top-left when
    /// Lq ≠ Lk); both with K/V repeat_interleaved once.
    /// </summary>
    private static SdpaCall Mixed(MixedBatchCase m)
    {
        const int Hq = MixedBatchCase.Hq, Hkv = MixedBatchCase.Hkv, D = MixedBatchCase.D, G = Hq / Hkv;
        var (queryLens, queryStart, q, ks, vs) = m.Inputs;
        var held = new List<Tensor>();
        Tensor Hold(Tensor t)
        {
            held.Add(t);
            return t;
        }

        var qAll = Hold(torch.tensor(q, new long[] { q.Length / (Hq * D), Hq, D }));
        var calls = new Func<Tensor>[queryLens.Count];
        for (int b = 0; b < calls.Length; b++)
        {
            int lq = queryLens[b], length = ks[b].Length / (Hkv * D), past = length - lq;
            var rows = Hold(qAll.narrow(0, queryStart[b], lq)); // [lq, Hq, D]
            var kt = Hold(torch.tensor(ks[b], new long[] { 1, Hkv, length, D }));
            var vt = Hold(torch.tensor(vs[b], new long[] { 1, Hkv, length, D }));
            if (lq == 1)
            {
                var qt = Hold(rows.view(1, Hkv, G, D));
                calls[b] = () => nn.functional.scaled_dot_product_attention(qt, kt, vt);
                continue;
            }

            var qp = Hold(Hold(rows.unsqueeze(0)).permute(0, 2, 1, 3)); // [1, Hq, lq, D]
            var kr = Hold(kt.repeat_interleave(G, dim: 1));
            var vr = Hold(vt.repeat_interleave(G, dim: 1));
            if (past == 0)
            {
                calls[b] = () => nn.functional.scaled_dot_product_attention(qp, kr, vr, is_casual: true);
            }
            else
            {
                var mask = Hold(Hold(torch.ones(lq, length, ScalarType.Bool)).tril(past));
                calls[b] = () => nn.functional.scaled_dot_product_attention(qp, kr, vr, attn_mask: mask);
            }
        }

        const string Plan = "one sdpa per sequence, fp32, over its K/V gathered from the pages into [1,Hkv,L,D] once outside timing: " +
                            "decodes as D1 (q viewed [1,Hkv,4,D]), the prefill is_causal=True, the chunk a bool bottom-right causal mask; " +
                            "prefill/chunk K/V repeat_interleave(4, dim=1) once outside timing";
        return new SdpaCall(
            Plan, 1e-3, held, calls,
            outputs =>
            {
                var all = new float[q.Length];
                for (int b = 0; b < outputs.Length; b++)
                {
                    int lq = queryLens[b];
                    var rows = lq == 1 ? outputs[b] : outputs[b].permute(0, 2, 1, 3); // to [1, lq, Hq, D]
                    Floats(rows).CopyTo(all, queryStart[b] * Hq * D);
                }

                return all;
            });
    }

    private static float[] Widen(float[] data) => data;

    private static float[] Widen(Half[] data)
    {
        var wide = new float[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            wide[i] = (float)data[i];
        }

        return wide;
    }

    /// <summary>A tensor's values as fp32 in row-major order of its shape.</summary>
    private static float[] Floats(Tensor t)
    {
        using var wide = t.to(ScalarType.Float32);
        using var dense = wide.contiguous();
        return dense.data<float>().ToArray();
    }

    /// <summary>The bound SDPA calls of one case; <see cref="Run"/> makes them all in a row.</summary>
    private sealed class SdpaCall : IPeerCall
    {
        private readonly List<Tensor> _held;
        private readonly Func<Tensor>[] _calls;
        private readonly Tensor?[] _outputs;
        private readonly Func<Tensor[], float[]> _output;

        public SdpaCall(string plan, double tolerance, List<Tensor> held, Func<Tensor>[] calls, Func<Tensor[], float[]> output)
        {
            Plan = plan;
            Tolerance = tolerance;
            _held = held;
            _calls = calls;
            _outputs = new Tensor?[calls.Length];
            _output = output;
        }

        public string Plan { get; }

        public double Tolerance { get; }

        public void Run()
        {
            for (int i = 0; i < _calls.Length; i++)
            {
                _outputs[i]?.Dispose(); // the previous call's output, as a loop over torch calls frees it
                _outputs[i] = _calls[i]();
            }
        }

        public float[] Output() => _output(Array.ConvertAll(_outputs, o => o ?? throw new InvalidOperationException("not run yet")));

        public void Dispose()
        {
            foreach (var t in _outputs)
            {
                t?.Dispose();
            }

            for (int i = _held.Count - 1; i >= 0; i--)
            {
                _held[i].Dispose();
            }

            _held.Clear();
        }
    }
}
