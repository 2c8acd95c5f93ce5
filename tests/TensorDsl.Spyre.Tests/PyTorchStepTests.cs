using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit.Abstractions;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// The emitted module's Python side under a real PyTorch (docs/spyre.md#serving-from-python): on random vLLM steps its
/// cache write, step plan and preparation equal the C# host's bit for bit; SpyreAttention.warmup() compiles each variant
/// once and forward() then compiles nothing and matches the reference. Skipped, with the reason, without torch.
/// </summary>
public class PyTorchStepTests(ITestOutputHelper output)
{
    private const int MaxNumSeqs = 8, MaxModelLen = 1024, MaxNumBatchedTokens = 256;

    [SkippableTheory]
    [InlineData("Gqa8x2D128", 1, true)]
    [InlineData("Gqa8x2D128", 2, false)] // the preparation only: warming every variant is most of a run, and one step shows serving
    [InlineData("Gqa8x2D128", 3, false)]
    [InlineData("Gqa8x2D128", 4, false)]
    [InlineData("WindowGqa", 5, false)]  // a sliding window on top of causal: the mask's other bounds, D 64
    public void PythonPreparationAndServingMatchTheHost(string kernelName, int seed, bool serve)
    {
        Skip.If(PyTorchTests.Unavailable.Value is not null, PyTorchTests.Unavailable.Value);
        var kernel = SpyreKernel.ByName(kernelName);
        var spec = kernel.Spec;
        var random = new Random(seed);
        var (q, kv) = StepPlanTests.RandomStep(random, MaxNumSeqs, MaxModelLen, MaxNumBatchedTokens);
        var c = SpyreCase.Build(spec, q.Zip(kv).ToArray(), seed, magnitude: 2f);
        var plan = SpyreStepBuckets.Plan(MaxNumSeqs, MaxModelLen, MaxNumBatchedTokens);
        var step = SpyreHost.PrepareStep(spec, plan, c.Query, c.KvCache, c.Batch);

        // The cache before this step's write: the written slots hold garbage that the write must replace.
        var before = (Half[])c.KvCache.Clone();
        int row = spec.KvHeads * spec.HeadSize, blockStride = 2 * spec.BlockSize * row;
        foreach (var slot in c.Batch.SlotMapping.ToArray())
        {
            int at = slot / spec.BlockSize * blockStride + slot % spec.BlockSize * row;
            before.AsSpan(at, row).Fill((Half)7f);
            before.AsSpan(at + spec.BlockSize * row, row).Fill((Half)(-7f));
        }

        var work = Directory.CreateTempSubdirectory("tensordsl-spyre-step-");
        try
        {
            string Path_(string name) => Path.Combine(work.FullName, name);
            int blocks = c.KvCache.Length / blockStride;
            File.WriteAllText(Path_("program.py"), kernel.Program);
            File.WriteAllText(Path_("limits.json"), $"{{\"max_num_seqs\": {MaxNumSeqs}, \"max_model_len\": {MaxModelLen}, \"max_num_batched_tokens\": {MaxNumBatchedTokens}}}");
            Npy.Write(Path_("query.npy"), c.Query, c.Tokens, spec.QueryHeads, spec.HeadSize);
            Npy.Write(Path_("new_keys.npy"), c.NewKeys, c.Tokens, spec.KvHeads, spec.HeadSize);
            Npy.Write(Path_("new_values.npy"), c.NewValues, c.Tokens, spec.KvHeads, spec.HeadSize);
            Npy.Write(Path_("cache_before.npy"), before, blocks, 2, spec.BlockSize, spec.KvHeads, spec.HeadSize);
            Npy.Write(Path_("block_table.npy"), c.Batch.BlockTable.Span, q.Length, c.Batch.MaxBlocksPerSequence);
            Npy.Write(Path_("seq_lens.npy"), c.Batch.SeqLens.Span, q.Length);
            Npy.Write(Path_("query_start_loc.npy"), c.Batch.QueryStartLoc.Span, q.Length + 1);
            Npy.Write(Path_("slot_mapping.npy"), c.Batch.SlotMapping.Span, c.Tokens);
            var (code, text) = PyTorchTests.RunPython(Path.Combine(AppContext.BaseDirectory, "PyTorch", "step.py"), work.FullName, serve ? "--serve" : "--no-serve");
            Assert.True(code == 0, "step.py failed:\n" + text);
            using var result = JsonDocument.Parse(File.ReadAllText(Path_("result.json")));
            var root = result.RootElement;

            // The cache write and the plan: the same bits, the same variants, the same launches.
            Assert.True(c.KvCache.AsSpan().SequenceEqual(Npy.ReadHalf(Path_("cache_after.npy"), out _)), "write_cache differs from SpyreHost.WriteCache");
            Assert.Equal(plan.Variants.Select(v => $"{v.Batch},{v.Qp},{v.L}"), root.GetProperty("variants").EnumerateArray().Select(Variant));
            Assert.Equal(step.Schedule.Select(l => $"{l.Variant.Batch},{l.Variant.Qp},{l.Variant.L}"), root.GetProperty("launches").EnumerateArray().Select(Variant));
            for (int i = 0; i < step.Count; i++)
            {
                var launch = step[i];
                Same(launch.Query, Npy.ReadHalf(Path_($"launch{i}_q.npy"), out var qShape), $"launch {i} q");
                Assert.Equal(launch.QueryShape, qShape);
                Same(launch.Key, Npy.ReadHalf(Path_($"launch{i}_k.npy"), out var kShape), $"launch {i} k");
                Assert.Equal(launch.KvShape, kShape);
                Same(launch.Value, Npy.ReadHalf(Path_($"launch{i}_v.npy"), out _), $"launch {i} v");
                Same(launch.Mask, Npy.ReadHalf(Path_($"launch{i}_mask.npy"), out var maskShape), $"launch {i} mask");
                Assert.Equal(launch.MaskShape, maskShape);
                Assert.Equal(launch.TokenRows.ToArray(), Npy.ReadInt(Path_($"launch{i}_token_rows.npy"), out _));
                Assert.Equal(launch.TokenIds.ToArray(), Npy.ReadInt(Path_($"launch{i}_token_ids.npy"), out _));
            }

            var errors = root.GetProperty("errors");
            Assert.StartsWith("seq_lens:", errors.GetProperty("too_many_sequences").GetString() ?? "(no error)");
            Assert.StartsWith("query_start_loc:", errors.GetProperty("bad_query_start_loc").GetString() ?? "(no error)");
            Assert.StartsWith("query:", errors.GetProperty("bad_query_shape").GetString() ?? "(no error)");
            if (!serve)
            {
                output.WriteLine($"step [{string.Join(", ", q.Zip(kv))}]: {step.Count} launches {string.Join(" ", step.Schedule.Select(l => l.Variant))}, bit-identical");
                return;
            }

            // Serving: one compiled callable per variant, all made by warmup(); forward() compiles nothing.
            var served = root.GetProperty("served");
            Assert.Equal(plan.Count, served.GetProperty("warmed").GetInt32());
            Assert.Equal(plan.Count, served.GetProperty("compiles_after_warmup").GetInt32());
            Assert.Equal(plan.Count, served.GetProperty("compiles_after_serving").GetInt32());
            Assert.Equal(plan.Count, served.GetProperty("distinct_callables").GetInt32());
            Assert.True(served.GetProperty("unknown_variant_refused").GetBoolean());
            Assert.True(served.GetProperty("served_cache_equal").GetBoolean());
            var servedOutput = Npy.ReadHalf(Path_("out.npy"), out _);
            var reference = c.Reference(kernel);
            var (atol, rtol) = q.Max() >= 32 ? (0.3, 5.0) : (0.2, 0.2);
            Close.Assert(servedOutput, reference, atol, rtol, "forward() vs reference (upstream's tolerance)");
            Close.Assert(servedOutput, reference, ConformanceTests.TightAtol, ConformanceTests.TightRtol, "forward() vs reference (tight)");
            output.WriteLine($"torch {root.GetProperty("torch").GetString()} ({served.GetProperty("compute_dtype").GetString()}); step [{string.Join(", ", q.Zip(kv))}]: " +
                $"{step.Count} launches {string.Join(" ", step.Schedule.Select(l => l.Variant))}; {plan.Count} variants warmed; max |forward − reference| {Close.Measure(servedOutput, reference, 1, 0).MaxAbs:E2}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Variant(JsonElement e) => string.Join(",", e.EnumerateArray().Select(x => x.GetInt32()));

    private static void Same(ReadOnlySpan<Half> expected, Half[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            if (BitConverter.HalfToUInt16Bits(expected[i]) != BitConverter.HalfToUInt16Bits(actual[i]))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]} in Python, {expected[i]} in C#");
            }
        }
    }
}
