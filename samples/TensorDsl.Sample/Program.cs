using System;
using System.Diagnostics;
using TensorDsl;
using TensorDsl.Sample;

// Runs each generated kernel on random data, checks it against the eager reference engine, and times it.
var random = new Random(42);
const int batch = 2, queries = 128, keys = 384;

Console.WriteLine("TensorDsl sample: generated fused CPU kernels vs the eager fp64 reference");
Console.WriteLine($"batch {batch}, query length {queries}, KV length {keys} (bottom-right aligned: a chunked prefill)");
Console.WriteLine();

// Llama GQA, float.
{
    var q = Fill(batch * 32 * queries * 128);
    var k = Fill(batch * 8 * keys * 128);
    var v = Fill(batch * 8 * keys * 128);
    var output = new float[q.Length];
    var expected = new float[q.Length];
    LlamaGqa.Reference(q, k, v, expected, batch, queries, keys);
    var perCall = Time(() => LlamaGqa.Run(q, k, v, output, batch, queries, keys));
    Report("LlamaGqa   (Hq 32, Hkv 8, D 128, causal, float)", MaxError(output, expected), perCall, 1e-4);
}

// Gemma local layer, Half.
{
    var q = Half(Fill(batch * queries * 8 * 256));
    var k = Half(Fill(batch * keys * 4 * 256));
    var v = Half(Fill(batch * keys * 4 * 256));
    var output = new Half[q.Length];
    var expected = new Half[q.Length];
    GemmaLocal.Reference(q, k, v, expected, batch, queries, keys);
    var perCall = Time(() => GemmaLocal.Run(q, k, v, output, batch, queries, keys));
    Report("GemmaLocal (Hq 8, Hkv 4, D 256, softcap 50, window 4096, Half)", MaxError(Array.ConvertAll(output, x => (float)x), Array.ConvertAll(expected, x => (float)x)), perCall, 2e-3);
}

// A vLLM-style mixed paged batch, Half: one 96-token prefill, one 64-token chunk of a prefill on a 700-token context,
// and six decodes on contexts of 150 to 900 tokens. New K/V go into the cache through slot_mapping first, as vLLM's
// reshape_and_cache does, then attention reads the cache through a shuffled block table.
{
    const int hq = 32, hkv = 8, d = 128, blockSize = 16;
    int[] queryLengths = { 96, 64, 1, 1, 1, 1, 1, 1 };
    int[] seqLens = { 96, 700, 150, 333, 512, 640, 777, 900 };
    var sequences = seqLens.Length;
    var maxBlocks = 0;
    foreach (var length in seqLens) maxBlocks = Math.Max(maxBlocks, (length + blockSize - 1) / blockSize);
    var numBlocks = sequences * maxBlocks + 7;                  // a few blocks no sequence uses
    var blockIds = new int[numBlocks];
    for (var i = 0; i < numBlocks; i++) blockIds[i] = i;
    random.Shuffle(blockIds);                                   // pages land anywhere in the cache
    var blockTable = new int[sequences * maxBlocks];
    Array.Copy(blockIds, blockTable, blockTable.Length);

    var queryStartLoc = new int[sequences + 1];
    for (var b = 0; b < sequences; b++) queryStartLoc[b + 1] = queryStartLoc[b] + queryLengths[b];
    var tokens = queryStartLoc[sequences];
    var slotMapping = new int[tokens];                          // the new tokens are the last Lq of each sequence
    for (var b = 0; b < sequences; b++)
    {
        for (var i = 0; i < queryLengths[b]; i++)
        {
            var position = seqLens[b] - queryLengths[b] + i;
            slotMapping[queryStartLoc[b] + i] = blockTable[b * maxBlocks + position / blockSize] * blockSize + position % blockSize;
        }
    }

    var paged = PagedBatch.Create(queryStartLoc, seqLens, blockTable, maxBlocks, slotMapping);
    var kCache = Half(Fill(numBlocks * blockSize * hkv * d));   // the context already cached
    var vCache = Half(Fill(numBlocks * blockSize * hkv * d));
    PagedGqa.WriteCache(Half(Fill(tokens * hkv * d)), Half(Fill(tokens * hkv * d)), kCache, vCache, paged);

    var q = Half(Fill(tokens * hq * d));
    var output = new Half[q.Length];
    var expected = new Half[q.Length];
    PagedGqa.Reference(q, kCache, vCache, expected, paged);
    var perCall = Time(() => PagedGqa.Run(q, kCache, vCache, output, paged));
    Report($"PagedGqa   (mixed vLLM batch: {sequences} sequences, {tokens} tokens, block size {blockSize}, Half)",
        MaxError(Array.ConvertAll(output, x => (float)x), Array.ConvertAll(expected, x => (float)x)), perCall, 2e-3);
}

float[] Fill(int length)
{
    var data = new float[length];
    for (var i = 0; i < length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
    return data;
}

static Half[] Half(float[] data) => Array.ConvertAll(data, x => (Half)x);

static double MaxError(float[] actual, float[] expected)
{
    double max = 0;
    for (var i = 0; i < actual.Length; i++) max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]));
    return max;
}

static double Time(Action call)
{
    call(); // warm-up: JIT and first-touch
    var stopwatch = Stopwatch.StartNew();
    var calls = 0;
    do { call(); calls++; } while (stopwatch.Elapsed.TotalSeconds < 1 && calls < 1000);
    return stopwatch.Elapsed.TotalMilliseconds / calls;
}

static void Report(string name, double error, double milliseconds, double tolerance)
{
    Console.WriteLine($"{name}");
    Console.WriteLine($"    max |kernel - reference| = {error:E2} (tolerance {tolerance:E0}) {(error <= tolerance ? "OK" : "MISMATCH")}");
    Console.WriteLine($"    {milliseconds:F2} ms per call");
    if (error > tolerance) Environment.ExitCode = 1;
}
