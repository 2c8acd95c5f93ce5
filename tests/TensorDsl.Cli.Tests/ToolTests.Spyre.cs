using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TensorDsl.Cli.Kernels;
using TensorDsl.Cli.Npy;

namespace TensorDsl.Cli.Tests;

/// <summary>
/// `tensordsl spyre plan|emit` as a user runs it. The plan's counts are computed here from the documented bucket rule
/// (docs/spyre.md#buckets), not by the runtime's SpyreBucketing; emit's module must be the generated SpyreProgram and
/// its layouts those the runtime's host preparation gives for the same batch.
/// </summary>
public sealed partial class ToolTests
{
    // Hq 32, Hkv 8, D 128, block size 16: the built-in paged-spyre kernel.
    private const int SpyreHkv = 8, SpyreGroup = 4, SpyreD = 128;

    [Theory]
    [InlineData(32, 4096, false, 34_816)]   // the variant counts of docs/spyre.md's table
    [InlineData(256, 2048, false, 73_728)]
    [InlineData(4, 512, false, 96)]
    [InlineData(32, 4096, true, 13_056)]
    [InlineData(256, 2048, true, 5_184)]
    [InlineData(4, 512, true, 144)]
    [InlineData(1, 1, false, 1)]
    // B ∈ {1, 2, 4, 8}; L ∈ {128, 256, 384}; Qp 1, 8, 32 … 128 reach all three L (shortest queries 1, 2, 9 … 97),
    // 160 … 256 two (shortest 129 … 225), 288 and 320 one: 6·3 + 4·2 + 2·1 = 28 pairs.
    [InlineData(5, 300, true, 4 * 28)]
    public void PlanPrintsTheVariantsOfTheBucketRule(int maxNumSeqs, int maxModelLen, bool improved, long documented)
    {
        var expected = ExpectedPlan(maxNumSeqs, maxModelLen, improved ? 128 : 256, 32, improved);
        Assert.Equal(documented, expected.Count);

        var args = new List<string> { "spyre", "plan", "--max-num-seqs", $"{maxNumSeqs}", "--max-model-len", $"{maxModelLen}" };
        if (improved)
        {
            args.Add("--improved");
        }

        var plan = Tool(args.ToArray());
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Equal("", plan.StdErr);
        AssertPlan(expected, plan.StdOut);
        Assert.Contains(improved ? "bucketing: KV bucket 128, query padding 32 (small buckets 1/8), batch PowerOfTwo" : "bucketing: KV bucket 256, query padding 32, batch Exact", plan.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(256, 8192, 2048, 248)] // the counts docs/spyre.md#the-step-plan states
    [InlineData(32, 4096, 2048, 174)]
    [InlineData(256, 8192, 8192, 322)]
    public void PlanStepPrintsTheStepPlan(int maxNumSeqs, int maxModelLen, int tokens, int documented)
    {
        var plan = Tool("spyre", "plan", "--step", "--max-num-seqs", $"{maxNumSeqs}", "--max-model-len", $"{maxModelLen}", "--max-num-batched-tokens", $"{tokens}", "--list");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains($"variants: {documented};", plan.StdOut, StringComparison.Ordinal);
        var lines = plan.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var listed = lines.Skip(Array.IndexOf(lines, "B Qp L") + 1).ToArray();
        Assert.Equal(documented, listed.Length);
        Assert.Contains($"{Pow2(maxNumSeqs)} 1 {Pow2(maxModelLen / 256) * 256}", listed);
    }

    private static int Pow2(int n)
    {
        int p = 1;
        while (p < n) p *= 2;
        return p;
    }

    [Fact]
    public void PlanTakesOtherBucketsAndListsEveryVariant()
    {
        var expected = ExpectedPlan(6, 1000, 192, 48, improved: false, maxQueryLen: 200);
        var plan = Tool("spyre", "plan", "--max-num-seqs", "6", "--max-model-len", "1000", "--max-query-len", "200", "--kv-bucket", "192", "--query-padding", "48", "--list");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        AssertPlan(expected, plan.StdOut);

        var lines = plan.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int header = Array.IndexOf(lines, "B Qp L");
        Assert.True(header > 0, plan.StdOut);
        var listed = lines.Skip(header + 1).ToArray();
        var variants = expected.Batches.SelectMany(b => expected.Pairs.Select(p => $"{b} {p.Qp} {p.L}")).ToArray();
        Assert.Equal(variants, listed);
    }

    [Fact]
    public void EmitWritesTheProgramAndTheLayoutsOfTheDefaultBatch()
    {
        var folder = Path.Combine(_directory, "emit");
        var emit = Tool("spyre", "emit", "--out", folder);
        Assert.True(emit.ExitCode == 0, emit.ToString());
        Assert.Equal(new[] { "layouts.json", "paged_spyre.py" }, Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(PagedSpyreF16.SpyreProgram, File.ReadAllText(Path.Combine(folder, "paged_spyre.py")));
        Assert.Contains("variant: B = 3, Qp = 96, L = 512", emit.StdOut, StringComparison.Ordinal);

        // The default batch 72:512, 1:256, 4:128: B 3 (exact), Qp = 72 rounded up to 32 = 96, L = 512 rounded to 256, T 77.
        const int rows = 3 * SpyreHkv, qp = 96, l = 512, tokens = 77;
        var layouts = ReadLayouts(Path.Combine(folder, "layouts.json"));
        Assert.Equal(new[] { "q", "k", "v", "mask", "token_rows", "out" }, layouts.Keys.ToArray());
        Assert.Equal(new[] { rows, SpyreGroup, qp, SpyreD }, Ints(layouts["q"], "size"));
        Assert.Equal(new[] { rows, 1, l, SpyreD }, Ints(layouts["k"], "size"));
        Assert.Equal(new[] { rows, 1, l, SpyreD }, Ints(layouts["v"], "size"));
        Assert.Equal(new[] { rows, 1, qp, l }, Ints(layouts["mask"], "size"));
        Assert.Equal(new[] { tokens }, Ints(layouts["token_rows"], "size"));
        Assert.Equal(new[] { rows, SpyreGroup, qp, SpyreD }, Ints(layouts["out"], "size"));
        // torch-spyre's generic stick layout: [⌈s(n−1)/64⌉, s0 … s(n−2), 64]; int32 sticks hold 32.
        Assert.Equal(new[] { SpyreD / 64, rows, SpyreGroup, qp, 64 }, Ints(layouts["q"], "device_size"));
        Assert.Equal(new[] { l / 64, rows, 1, qp, 64 }, Ints(layouts["mask"], "device_size"));
        Assert.Equal(new[] { (tokens + 31) / 32, 32 }, Ints(layouts["token_rows"], "device_size"));
        Assert.Equal("float16", layouts["q"].GetProperty("device_dtype").GetString());
        Assert.Equal("int32", layouts["token_rows"].GetProperty("device_dtype").GetString());
        Assert.Equal(32 - tokens % 32, layouts["token_rows"].GetProperty("stick_padding").GetInt32());
    }

    [Theory]
    [InlineData("5:40,1:33,3:3", false)]
    [InlineData("1:100,1:300,1:50", true)]
    [InlineData("40:700", false)]
    public void EmitLayoutsAreTheHostPreparationsLayouts(string batch, bool improved)
    {
        var folder = Path.Combine(_directory, "emit");
        var args = new List<string> { "spyre", "emit", "--out", folder, "--batch", batch };
        if (improved)
        {
            args.Add("--improved");
        }

        var emit = Tool(args.ToArray());
        Assert.True(emit.ExitCode == 0, emit.ToString());

        // The same batch through the runtime's host preparation (zero data: only the shapes matter).
        var sequences = batch.Split(',').Select(s => s.Split(':').Select(int.Parse).ToArray()).ToArray();
        var spec = PagedSpyreF16.SpyreSpec with { Bucketing = improved ? TensorDsl.Spyre.SpyreBucketing.Improved : PagedSpyreF16.SpyreSpec.Bucketing };
        int bs = spec.BlockSize, maxBlocks = sequences.Max(s => (s[1] + bs - 1) / bs);
        var starts = new int[sequences.Length + 1];
        var table = new int[sequences.Length * maxBlocks];
        Array.Fill(table, -1);
        int next = 0;
        for (int b = 0; b < sequences.Length; b++)
        {
            starts[b + 1] = starts[b] + sequences[b][0];
            for (int j = 0; j < (sequences[b][1] + bs - 1) / bs; j++)
            {
                table[b * maxBlocks + j] = next++;
            }
        }

        var paged = PagedBatch.Create(starts, sequences.Select(s => s[1]).ToArray(), table, maxBlocks);
        var inputs = TensorDsl.Spyre.SpyreHost.Prepare(spec, new Half[starts[^1] * spec.QueryHeads * spec.HeadSize], new Half[next * 2 * bs * spec.KvHeads * spec.HeadSize], paged);
        var expected = "[\n  " + string.Join(",\n  ", inputs.Layouts().Select(layout => layout.ToJson())) + "\n]\n";
        Assert.Equal(expected, File.ReadAllText(Path.Combine(folder, "layouts.json")));
        Assert.Contains($"variant: B = {inputs.Batch}, Qp = {inputs.Qp}, L = {inputs.L}", emit.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tensordsl: --kv-bucket 100: must be a positive multiple of 64 (the mask's stick dimension holds L) and of BlockSize = 16 (whole pages per bucket)", "plan", "--kv-bucket", "100")]
    [InlineData("tensordsl: --query-padding 0: must be > 0", "plan", "--query-padding", "0")]
    [InlineData("tensordsl: --query-padding 8: with --improved it must be above the small query buckets 1 and 8", "plan", "--improved", "--query-padding", "8")]
    [InlineData("tensordsl: --max-num-seqs 0: must be > 0", "plan", "--max-num-seqs", "0")]
    [InlineData("tensordsl: --max-model-len 0: must be > 0", "plan", "--max-model-len", "0")]
    [InlineData("tensordsl: --max-num-seqs 100000: must be ≤ 65536", "plan", "--max-num-seqs", "100000")]
    [InlineData("tensordsl: --max-model-len 2147483647: must be ≤ 16777216", "plan", "--max-model-len", "2147483647")]
    [InlineData("tensordsl: --max-model-len 16777216: about 34359738368 (Qp, L) combinations with these buckets, more than the 20000000 this command lists; use larger buckets", "plan", "--max-model-len", "16777216")]
    [InlineData("tensordsl: --batch '1:16777217': sequence 1 (1:16777217) is longer than 16777216 tokens", "emit", "--batch", "1:16777217", "--out", "OUT")]
    [InlineData("tensordsl: --kv-bucket 64: must be a positive multiple of 64 (the mask's stick dimension holds L) and of BlockSize = 16 (whole pages per bucket)", "emit", "--kv-bucket", "32", "--out", "OUT")]
    [InlineData("tensordsl: --batch '3:2': sequence 1 (3:2) needs 1 ≤ query ≤ kv (the query tokens are the last of the sequence)", "emit", "--batch", "3:2", "--out", "OUT")]
    [InlineData("tensordsl: --batch '1:5,x': sequence 2 is 'x', not 'query:kv' (two integers, e.g. 72:512,1:256,4:128)", "emit", "--batch", "1:5,x", "--out", "OUT")]
    [InlineData("tensordsl: --batch '0:5': sequence 1 (0:5) needs 1 ≤ query ≤ kv (the query tokens are the last of the sequence)", "emit", "--batch", "0:5", "--out", "OUT")]
    public void BadSpyreOptionsAreOneLineAndExitWithTwo(string line, params string[] args)
    {
        var folder = Path.Combine(_directory, "not-written");
        var result = Tool(new[] { "spyre" }.Concat(args.Select(a => a == "OUT" ? folder : a)).ToArray());
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.StdOut);
        Assert.Equal(new[] { line.Replace("--kv-bucket 64", "--kv-bucket 32", StringComparison.Ordinal) }, result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void SpyreCommandLineMistakesExitWithTwo()
    {
        var unknown = Tool("spyre", "plan", "--kernel", "flash");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Argument 'flash' not recognized", unknown.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unknown.StdErr, StringComparison.Ordinal);
        var noOut = Tool("spyre", "emit");
        Assert.Equal(2, noOut.ExitCode);
        Assert.Contains("Option '--out' is required.", noOut.StdErr, StringComparison.Ordinal);
        var notANumber = Tool("spyre", "plan", "--max-num-seqs", "many");
        Assert.Equal(2, notANumber.ExitCode);
        Assert.DoesNotContain("   at ", notANumber.StdErr, StringComparison.Ordinal);
        var noSubcommand = Tool("spyre");
        Assert.NotEqual(0, noSubcommand.ExitCode);
    }

    [Fact]
    public void EmitIntoAFileIsOneLine()
    {
        var file = Path.Combine(_directory, "a-file");
        File.WriteAllText(file, "");
        AssertOneLineError(Tool("spyre", "emit", "--out", file), $"tensordsl: --out {file}: is a file, not a folder");
    }

    [Fact]
    public void PagedSpyreRunsOnTheCpuAndMatchesTheReferenceEngine()
    {
        var random = new Random(11);
        const int hq = 32, blocks = 8, blockSize = 16;
        // A prefill (5 of 5 tokens), a chunked prefill (3 new of 40) and a decode (1 of 33), as the paged test.
        NpyArray.Create(new[] { 0, 5, 8, 9 }, 4).Write(P("qsl"));
        NpyArray.Create(new[] { 5, 40, 33 }, 3).Write(P("lens"));
        NpyArray.Create(new[] { 3, -1, -1, 7, 1, 6, 0, 5, 2 }, 3, 3).Write(P("table"));
        Save("q", "float16", random, 9, hq, SpyreD);
        Save("k", "float16", random, blocks, blockSize, SpyreHkv, SpyreD);
        Save("v", "float16", random, blocks, blockSize, SpyreHkv, SpyreD);
        Save("q32", "float32", random, 9, hq, SpyreD);
        Save("k32", "float32", random, blocks, blockSize, SpyreHkv, SpyreD);
        Save("k4", "float16", random, blocks, blockSize, 4, SpyreD);

        string[] Args(string q, string k, string output, string engine) => new[]
        {
            "run", "paged-spyre", "--q", P(q), "--k", P(k), "--v", P(k), "--out", P(output),
            "--query-start-loc", P("qsl"), "--seq-lens", P("lens"), "--block-table", P("table"), "--engine", engine, "--quiet",
        };
        var run = Tool(Args("q", "k", "out", "cpu"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var reference = Tool(Args("q", "k", "expected", "reference"));
        Assert.True(reference.ExitCode == 0, reference.ToString());
        Assert.Equal(new[] { 9, hq, SpyreD }, NpyArray.Read(P("out")).Shape);
        AssertClose(NpyArray.Read(P("expected")), NpyArray.Read(P("out")), 2e-3);

        AssertOneLineError(Tool(Args("q32", "k32", "out", "cpu")),
            "tensordsl: 'paged-spyre' takes float16 q, k and v only (its Spyre program computes in fp16), but they are float32");
        AssertOneLineError(Tool(Args("q", "k4", "out", "cpu")),
            "tensordsl: the number of KV heads differs: 'paged-spyre''s Hkv = 8 but k's Hkv = 4");
    }

    // ---- the documented bucket rule, computed here ---------------------------------------------------------------

    private sealed record Expected(int[] Batches, int[] QueryBuckets, int[] KvBuckets, (int Qp, int L)[] Pairs)
    {
        public long Count => (long)Batches.Length * Pairs.Length;
    }

    /// <summary>
    /// docs/spyre.md#buckets: L is the longest sequence rounded up to the KV bucket; Qp the longest query rounded up to
    /// the smallest small bucket (1, 8 with --improved) holding it, else to the query padding; B exact or the next power
    /// of two. A (Qp, L) pair exists when the shortest query landing in Qp fits L (a query never outgrows its sequence).
    /// </summary>
    private static Expected ExpectedPlan(int maxNumSeqs, int maxModelLen, int kvBucket, int queryPadding, bool improved, int? maxQueryLen = null)
    {
        var batches = improved
            ? Enumerable.Range(0, 31).Select(i => 1 << i).TakeWhile(p => p < 2 * maxNumSeqs).ToArray()
            : Enumerable.Range(1, maxNumSeqs).ToArray();
        int maxQuery = Math.Min(maxQueryLen ?? maxModelLen, maxModelLen);
        var queries = new List<(int Bucket, int Shortest)>();
        if (improved)
        {
            queries.Add((1, 1));
            if (maxQuery >= 2)
            {
                queries.Add((8, 2));
            }
        }

        int firstPadded = improved ? 9 : 1;
        for (int k = 1; (k - 1) * queryPadding + 1 <= maxQuery; k++)
        {
            int shortest = Math.Max((k - 1) * queryPadding + 1, firstPadded);
            if (shortest <= k * queryPadding && shortest <= maxQuery)
            {
                queries.Add((k * queryPadding, shortest));
            }
        }

        var kvs = Enumerable.Range(1, (maxModelLen + kvBucket - 1) / kvBucket).Select(j => j * kvBucket).ToArray();
        var pairs = queries.SelectMany(q => kvs.Where(l => q.Shortest <= l).Select(l => (q.Bucket, l))).ToArray();
        return new Expected(batches, queries.Select(q => q.Bucket).ToArray(), kvs, pairs);
    }

    private static void AssertPlan(Expected expected, string output)
    {
        Assert.Contains($"batch sizes B ({expected.Batches.Length}): {string.Join(", ", expected.Batches)}\n", output, StringComparison.Ordinal);
        Assert.Contains($"query buckets Qp ({expected.QueryBuckets.Length}): {string.Join(", ", expected.QueryBuckets)}\n", output, StringComparison.Ordinal);
        Assert.Contains($"KV buckets L ({expected.KvBuckets.Length}): {string.Join(", ", expected.KvBuckets)}\n", output, StringComparison.Ordinal);
        Assert.Contains($"variants: {expected.Count} = {expected.Batches.Length} batch sizes × {expected.Pairs.Length} (Qp, L) pairs\n", output, StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonElement> ReadLayouts(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, JsonElement>();
        foreach (var layout in document.RootElement.EnumerateArray())
        {
            result.Add(layout.GetProperty("name").GetString()!, layout.Clone());
        }

        return result;
    }

    private static int[] Ints(JsonElement layout, string property) => layout.GetProperty(property).EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
