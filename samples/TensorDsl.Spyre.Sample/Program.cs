using System;
using System.IO;
using System.Linq;
using TensorDsl;
using TensorDsl.Spyre;
using static TensorDsl.Dsl;

// A mixed vLLM batch through the Spyre path without hardware: cache writes from slot_mapping → host preparation (page
// gather, GQA placement, fp16 mask) → the device program in the emulator (DLFloat16, the device's format) → back to flat
// [T, Hq, D], checked against the eager fp64 reference; first as one launch, then as a server runs it, through the step
// plan (≤ 3 launches from a variant set fixed at start-up). `--out DIR` writes the emitted PyTorch module and layouts.
string? outDir = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length)
    {
        outDir = args[++i];
    }
    else
    {
        Console.Error.WriteLine("usage: TensorDsl.Spyre.Sample [--out DIR]");
        return 2;
    }
}

var spec = SpyreGqa.SpyreSpec;
(int Q, int Kv)[] sequences = { (72, 512), (1, 256), (4, 128), (1, 700), (16, 300) };
Console.WriteLine("TensorDsl Spyre sample: kernel SpyreGqa (Hq 8, Hkv 2, D 128, block 16, causal), fp16");
Console.WriteLine($"batch: {sequences.Length} sequences (query, kv): {string.Join(" ", sequences)}");

// The batch: a shuffled block pool, each sequence's context already cached, its new tokens' K/V written at slot_mapping.
var random = new Random(7);
int bs = spec.BlockSize, hkv = spec.KvHeads, hq = spec.QueryHeads, d = spec.HeadSize;
var blocks = sequences.Select(s => (s.Kv + bs - 1) / bs).ToArray();
int numBlocks = blocks.Sum() + 2, maxBlocks = blocks.Max();
var pool = Enumerable.Range(0, numBlocks).OrderBy(_ => random.Next()).ToArray();
var table = new int[sequences.Length * maxBlocks];
Array.Fill(table, -1);
var starts = new int[sequences.Length + 1];
for (int b = 0, next = 0; b < sequences.Length; b++)
{
    for (int j = 0; j < blocks[b]; j++) table[b * maxBlocks + j] = pool[next++];
    starts[b + 1] = starts[b] + sequences[b].Q;
}

int tokens = starts[^1];
var slots = new int[tokens];
for (int b = 0; b < sequences.Length; b++)
{
    for (int i = 0; i < sequences[b].Q; i++)
    {
        int pos = sequences[b].Kv - sequences[b].Q + i;
        slots[starts[b] + i] = table[b * maxBlocks + pos / bs] * bs + pos % bs;
    }
}

Half[] Random(int n) => Enumerable.Range(0, n).Select(_ => (Half)(random.NextSingle() * 2 - 1)).ToArray();
var kvCache = Random(numBlocks * 2 * bs * hkv * d);
var q = Random(tokens * hq * d);
var batch = PagedBatch.Create(starts, sequences.Select(s => s.Kv).ToArray(), table, maxBlocks, slots);
SpyreGqa.SpyreWriteCache(Random(tokens * hkv * d), Random(tokens * hkv * d), kvCache, batch);

// Host preparation → emulator → way back.
var inputs = SpyreGqa.SpyrePrepare(q, kvCache, batch);
var programOutput = new Half[inputs.OutputElements];
new SpyreEmulator().Run(inputs, programOutput);
var output = new Half[tokens * hq * d];
SpyreGqa.SpyreUnpack(inputs, programOutput, output);

// The reference over separate K and V caches.
int block = bs * hkv * d;
var kCache = new Half[numBlocks * block];
var vCache = new Half[numBlocks * block];
for (int b = 0; b < numBlocks; b++)
{
    kvCache.AsSpan(2 * b * block, block).CopyTo(kCache.AsSpan(b * block));
    kvCache.AsSpan((2 * b + 1) * block, block).CopyTo(vCache.AsSpan(b * block));
}

var expected = new Half[output.Length];
SpyreGqa.Reference(q, kCache, vCache, expected, batch);
double maxError = output.Zip(expected, (a, e) => Math.Abs((double)a - (double)e)).Max();

// As a server: the step plan fixed at start-up, one SpyrePrepare call per step, each launch one of the plan's variants.
var stepPlan = SpyreGqa.SpyrePlan(maxNumSeqs: 32, maxModelLen: 4096, maxNumBatchedTokens: 2048);
var step = SpyreGqa.SpyrePrepare(q, kvCache, batch, stepPlan);
var launchOutputs = new Half[step.Count][];
for (int i = 0; i < step.Count; i++)
{
    launchOutputs[i] = new Half[step[i].OutputElements];
    new SpyreEmulator().Run(step[i], launchOutputs[i]);
}

var stepOutput = new Half[tokens * hq * d];
SpyreGqa.SpyreUnpack(step, launchOutputs, stepOutput);
double stepError = stepOutput.Zip(expected, (a, e) => Math.Abs((double)a - (double)e)).Max();

var qLens = sequences.Select(s => s.Q).ToArray();
var kvLens = sequences.Select(s => s.Kv).ToArray();
var plan = spec.Bucketing.Plan(maxNumSeqs: 32, maxModelLen: 4096);
var improved = SpyreBucketing.Improved.Plan(maxNumSeqs: 32, maxModelLen: 4096);
var four = SpyreDesignComparison.FourD(spec, qLens, kvLens);
var two = SpyreDesignComparison.TwoD(spec, qLens, kvLens);
var stepCost = SpyreDesignComparison.Step(spec, stepPlan, qLens, kvLens);
Console.WriteLine();
Console.WriteLine($"bucket plan ({spec.Bucketing}) for max_num_seqs 32, max_model_len 4096:");
Console.WriteLine($"  {plan}");
Console.WriteLine($"  improved ({SpyreBucketing.Improved}): {improved}");
Console.WriteLine($"this batch runs variant B = {inputs.Batch}, Qp = {inputs.Qp}, L = {inputs.L}: q [{string.Join(", ", inputs.QueryShape)}], k/v [{string.Join(", ", inputs.KvShape)}], mask [{string.Join(", ", inputs.MaskShape)}]");
Console.WriteLine();
Console.WriteLine($"launches per batch: 1 (2D design: {two.Launches})");
Console.WriteLine($"padding waste (FLOPs computed / useful): {four.Waste:F2}× (2D design: {two.Waste:F2}×)");
Console.WriteLine($"bytes to the device: {four.BytesToDevice / 1024.0:F0} KiB (2D design: {two.BytesToDevice / 1024.0:F0} KiB, K/V duplicated per query head)");
Console.WriteLine($"max error vs reference: {maxError:E2} (tolerance atol 0.3 / rtol 5.0 at max_query_len ≥ 32)");
Console.WriteLine();
Console.WriteLine($"step plan: {stepPlan}");
Console.WriteLine($"this step: {step.Count} launches ({string.Join("; ", step.Schedule.Select(l => $"B {l.Variant.Batch}, Qp {l.Variant.Qp}, L {l.Variant.L} for sequences {string.Join(",", l.Sequences)}"))}), " +
    $"waste {stepCost.Waste:F2}×, {stepCost.BytesToDevice / 1024.0:F0} KiB to the device; max error vs reference {stepError:E2}");

if (outDir is not null)
{
    Directory.CreateDirectory(outDir);
    File.WriteAllText(Path.Combine(outDir, "spyre_gqa.py"), SpyreGqa.SpyreProgram);
    File.WriteAllText(Path.Combine(outDir, "layouts.json"), "[\n  " + string.Join(",\n  ", inputs.Layouts().Select(l => l.ToJson())) + "\n]\n");
    Console.WriteLine($"wrote {Path.Combine(outDir, "spyre_gqa.py")} and {Path.Combine(outDir, "layouts.json")}");
}

bool ok = maxError <= 0.3 && stepError <= 0.3 && output.All(Half.IsFinite) && stepOutput.All(Half.IsFinite);
Console.WriteLine(ok ? "OK" : "MISMATCH");
return ok ? 0 : 1;

/// <summary>The sample's kernel: Llama-style GQA over vLLM's paged cache, for the CPU and for Spyre.</summary>
[AttentionKernel(Targets.Cpu | Targets.Spyre)]
public static partial class SpyreGqa
{
    const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;

    static Tokens<Half> Attend(
        [Shape("T, Hq, D")] Tokens<Half> q,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> k,
        [Shape("N, BlockSize, Hkv, D")] Pages<Half> v)
        => Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal()).MatMul(v);
}
