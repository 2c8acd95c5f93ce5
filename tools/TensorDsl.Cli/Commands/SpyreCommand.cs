using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using TensorDsl.Cli.Kernels;
using TensorDsl.Spyre;

namespace TensorDsl.Cli.Commands;

/// <summary>
/// `tensordsl spyre plan|emit` (docs/cli.md): the Spyre target of a built-in kernel declared with <c>Targets.Spyre</c> —
/// the bucket plan (the static shapes a server compiles, from the runtime's <see cref="SpyreBucketing.Plan"/>), and the
/// emitted PyTorch program with the device layouts of one batch's tensors.
/// </summary>
internal static class SpyreCommand
{
    /// <summary>The batch `emit` describes when --batch is not given: a prefill, a decode and a short chunk (query:kv).</summary>
    public const string DefaultBatch = "72:512,1:256,4:128";

    /// <summary>Above this many (query bucket × KV bucket) combinations the plan is refused rather than built.</summary>
    private const long MaxCombinations = 20_000_000;

    /// <summary>The largest --max-num-seqs (vLLM serves at most a few thousand sequences per step).</summary>
    public const int MaxSequences = 65_536;

    /// <summary>The longest sequence --max-model-len and --batch take (16 Mi tokens): padded lengths stay far from int's limit.</summary>
    public const int MaxLength = 1 << 24;

    public static Command Create()
    {
        var command = new Command("spyre", "The Spyre target of a built-in kernel: its bucket plan, and its PyTorch program and tensor layouts (docs/spyre.md).")
        {
            Plan(),
            Emit(),
        };
        return command;
    }

    private sealed record BucketOptions(Option<string> Kernel, Option<int?> KvBucket, Option<int?> QueryPadding, Option<bool> Improved)
    {
        public static BucketOptions Create()
        {
            var names = SpyreKernels.All.Select(k => k.Name).ToArray();
            var kernel = new Option<string>("--kernel")
            {
                Description = "The built-in Spyre kernel: " + string.Join(", ", SpyreKernels.All.Select(k => $"{k.Name} ({k.Summary})")) + ".",
                DefaultValueFactory = _ => names[0],
            };
            kernel.AcceptOnlyFromAmong(names);
            var kvBucket = new Option<int?>("--kv-bucket") { Description = "L is the longest sequence rounded up to this: a multiple of 64 and of the block size (default: the kernel's, 256; 128 with --improved)." };
            var queryPadding = new Option<int?>("--query-padding") { Description = "Qp is the longest query rounded up to this (default: the kernel's, 32)." };
            var improved = new Option<bool>("--improved") { Description = "SpyreBucketing.Improved: query buckets 1 and 8 below the padding, KV bucket 128, batch padded to a power of two (--kv-bucket and --query-padding still apply)." };
            return new BucketOptions(kernel, kvBucket, queryPadding, improved);
        }

        public IEnumerable<Option> All => new Option[] { Kernel, KvBucket, QueryPadding, Improved };

        public (SpyreBuiltIn Kernel, SpyreBucketing Bucketing) Resolve(ParseResult result)
        {
            var chosen = SpyreKernels.Find(result.GetValue(Kernel)!)!;
            var start = result.GetValue(Improved) ? SpyreBucketing.Improved : chosen.Spec.Bucketing;
            int kv = result.GetValue(KvBucket) ?? start.KvBucket;
            int padding = result.GetValue(QueryPadding) ?? start.QueryPadding;
            int block = chosen.Spec.BlockSize;
            if (SpyreKernelSpec.KvBucketProblem(kv, block) is { } problem)
            {
                throw new UsageException($"--kv-bucket {kv}: {problem}");
            }

            if (padding <= 0)
            {
                throw new UsageException($"--query-padding {padding}: must be > 0");
            }

            var small = start.SmallQueryBuckets.ToArray();
            if (small.Length > 0 && padding <= small[^1])
            {
                throw new UsageException($"--query-padding {padding}: with --improved it must be above the small query buckets {string.Join(" and ", small)}");
            }

            return (chosen, new SpyreBucketing(kv, padding, small, start.BatchRule));
        }
    }

    private static Command Plan()
    {
        var buckets = BucketOptions.Create();
        var maxNumSeqs = new Option<int>("--max-num-seqs") { Description = $"vLLM's max_num_seqs: the most sequences in one batch (≤ {MaxSequences}).", DefaultValueFactory = _ => 32 };
        var maxModelLen = new Option<int>("--max-model-len") { Description = $"vLLM's max_model_len: the longest sequence, context and new tokens (≤ {MaxLength}).", DefaultValueFactory = _ => 4096 };
        var maxQueryLen = new Option<int?>("--max-query-len") { Description = "The longest query of one sequence in a batch (default: --max-model-len)." };
        var list = new Option<bool>("--list") { Description = "Also print every variant, one 'B Qp L' line each, batch-major." };
        var step = new Option<bool>("--step") { Description = "Print the step plan instead (SpyreStepBuckets: the variants a server compiles, every step served in ≤ 3 launches; docs/spyre.md#the-step-plan)." };
        var maxTokens = new Option<int>("--max-num-batched-tokens") { Description = "vLLM's max_num_batched_tokens, for --step (default 2048).", DefaultValueFactory = _ => 2048 };

        var command = new Command("plan", "Print the bucket plan: the static shape variants (B, Qp, L) a server with these limits compiles, and their count.");
        foreach (var option in buckets.All.Concat(new Option[] { maxNumSeqs, maxModelLen, maxQueryLen, list, step, maxTokens }))
        {
            command.Options.Add(option);
        }

        command.SetAction(result => Cli.Guard(() =>
        {
            var (kernel, bucketing) = buckets.Resolve(result);
            int seqs = result.GetValue(maxNumSeqs), model = result.GetValue(maxModelLen);
            int? query = result.GetValue(maxQueryLen);
            InRange("--max-num-seqs", seqs, MaxSequences);
            InRange("--max-model-len", model, MaxLength);
            if (query is { } q)
            {
                InRange("--max-query-len", q, int.MaxValue);
            }

            if (result.GetValue(step))
            {
                int tokens = result.GetValue(maxTokens);
                InRange("--max-num-batched-tokens", tokens, MaxLength);
                var steps = SpyreStepBuckets.Plan(seqs, model, tokens);
                Console.WriteLine($"{kernel.Name}: {kernel.Summary}");
                Console.WriteLine(Invariant($"step plan: {steps}"));
                Console.WriteLine(Invariant($"variants: {steps.Count}; every step within these limits runs in at most {SpyreStepBuckets.MaxLaunches} launches"));
                if (result.GetValue(list))
                {
                    Console.WriteLine("B Qp L");
                    foreach (var variant in steps.Variants)
                    {
                        Console.WriteLine(Invariant($"{variant.Batch} {variant.Qp} {variant.L}"));
                    }
                }

                return 0;
            }

            long combinations = ((long)Math.Min(query ?? model, model) + bucketing.QueryPadding - 1) / bucketing.QueryPadding
                * (((long)model + bucketing.KvBucket - 1) / bucketing.KvBucket);
            if (combinations > MaxCombinations)
            {
                throw new UsageException($"--max-model-len {model}: about {combinations} (Qp, L) combinations with these buckets, more than the {MaxCombinations} this command lists; use larger buckets");
            }

            var plan = bucketing.Plan(seqs, model, query);
            long pairs = plan.Count / plan.BatchSizes.Count;
            Console.WriteLine($"{kernel.Name}: {kernel.Summary}");
            Console.WriteLine($"bucketing: {bucketing}");
            Console.WriteLine(Invariant($"limits: max_num_seqs {plan.MaxNumSeqs}, max_model_len {plan.MaxModelLen}, max_query_len {plan.MaxQueryLen}"));
            Console.WriteLine(Invariant($"batch sizes B ({plan.BatchSizes.Count}): {string.Join(", ", plan.BatchSizes)}"));
            Console.WriteLine(Invariant($"query buckets Qp ({plan.QueryBuckets.Count}): {string.Join(", ", plan.QueryBuckets)}"));
            Console.WriteLine(Invariant($"KV buckets L ({plan.KvBuckets.Count}): {string.Join(", ", plan.KvBuckets)}"));
            Console.WriteLine(Invariant($"(Qp, L) pairs a batch can reach (a query never outgrows its sequence): {pairs}"));
            Console.WriteLine(Invariant($"variants: {plan.Count} = {plan.BatchSizes.Count} batch sizes × {pairs} (Qp, L) pairs"));
            if (result.GetValue(list))
            {
                using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
                output.WriteLine("B Qp L");
                foreach (var variant in plan.Variants)
                {
                    output.WriteLine(Invariant($"{variant.Batch} {variant.Qp} {variant.L}"));
                }
            }

            return 0;
        }));
        return command;
    }

    private static Command Emit()
    {
        var buckets = BucketOptions.Create();
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder to write <kernel>.py and layouts.json to (created if missing; both files are overwritten).", Required = true };
        var batch = new Option<string>("--batch")
        {
            Description = $"The batch the layouts describe: each sequence's new query tokens and its length (context + new), 'query:kv', comma-separated.",
            DefaultValueFactory = _ => DefaultBatch,
        };

        var command = new Command("emit", "Write the kernel's PyTorch program (<kernel>.py, the generated SpyreProgram) and the device layouts of one batch's tensors (layouts.json).");
        foreach (var option in buckets.All.Concat(new Option[] { output, batch }))
        {
            command.Options.Add(option);
        }

        command.SetAction(result => Cli.Guard(() =>
        {
            var (kernel, bucketing) = buckets.Resolve(result);
            var sequences = ParseBatch(result.GetValue(batch)!);
            var layouts = Layouts(kernel.Spec with { Bucketing = bucketing }, sequences, out var variant, out int tokens);
            var folder = result.GetValue(output)!;
            if (File.Exists(folder.FullName))
            {
                throw new InputException($"--out {folder.FullName}: is a file, not a folder");
            }

            Directory.CreateDirectory(folder.FullName);
            var module = Path.Combine(folder.FullName, kernel.ModuleFile);
            var json = Path.Combine(folder.FullName, "layouts.json");
            File.WriteAllText(module, kernel.Program);
            File.WriteAllText(json, LayoutsJson(layouts));

            Console.WriteLine($"{kernel.Name}: {kernel.Summary}");
            Console.WriteLine(Invariant($"batch: {sequences.Length} sequences (query:kv) {string.Join(",", sequences.Select(s => $"{s.Query}:{s.Kv}"))}, T = {tokens} tokens; bucketing: {bucketing}"));
            Console.WriteLine(Invariant($"variant: B = {variant.Batch}, Qp = {variant.Qp}, L = {variant.L}"));
            Console.WriteLine($"wrote {module} (the PyTorch module: attention(q, k, v, mask), to_tokens(out, token_rows), compiled())");
            Console.WriteLine($"wrote {json} (device layouts: {string.Join(", ", layouts.Select(l => $"{l.Name} [{string.Join(", ", l.Size)}]"))})");
            return 0;
        }));
        return command;
    }

    /// <summary>Parses --batch: 'query:kv' pairs, comma-separated, each 1 ≤ query ≤ kv.</summary>
    internal static (int Query, int Kv)[] ParseBatch(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sequences = new (int Query, int Kv)[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            var pair = parts[i].Split(':', StringSplitOptions.TrimEntries);
            if (pair.Length != 2
                || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out int query)
                || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out int kv))
            {
                throw new UsageException($"--batch '{text}': sequence {i + 1} is '{parts[i]}', not 'query:kv' (two integers, e.g. {DefaultBatch})");
            }

            if (query < 1 || kv < query)
            {
                throw new UsageException($"--batch '{text}': sequence {i + 1} ({parts[i]}) needs 1 ≤ query ≤ kv (the query tokens are the last of the sequence)");
            }

            if (kv > MaxLength)
            {
                throw new UsageException($"--batch '{text}': sequence {i + 1} ({parts[i]}) is longer than {MaxLength} tokens");
            }

            sequences[i] = (query, kv);
        }

        return sequences;
    }

    /// <summary>
    /// The device layouts of the program's tensors for a batch of these (query, kv) lengths, as
    /// <see cref="SpyreInputs.Layouts"/> gives them after <see cref="SpyreHost.Prepare"/> — from the shapes alone, so no
    /// cache or device buffer is allocated (the tests check both agree).
    /// </summary>
    internal static IReadOnlyList<SpyreTensorLayout> Layouts(SpyreKernelSpec spec, (int Query, int Kv)[] sequences, out SpyreVariant variant, out int tokens)
    {
        long total = 0;
        foreach (var s in sequences)
        {
            total += s.Query;
        }

        if (total > int.MaxValue)
        {
            throw new UsageException($"--batch: {total} query tokens in all, more than an int holds");
        }

        tokens = (int)total;
        var bucketing = spec.Bucketing;
        variant = new SpyreVariant(bucketing.PadBatch(sequences.Length), bucketing.PadQuery(sequences.Max(s => s.Query)), bucketing.PadKv(sequences.Max(s => s.Kv)));
        int rows = checked(variant.Batch * spec.KvHeads);
        int[] query = { rows, spec.Group, variant.Qp, spec.HeadSize };
        int[] kv = { rows, 1, variant.L, spec.HeadSize };
        int[] mask = { rows, 1, variant.Qp, variant.L };
        return new[]
        {
            SpyreTensorLayout.Generic("q", "float16", query),
            SpyreTensorLayout.Generic("k", "float16", kv),
            SpyreTensorLayout.Generic("v", "float16", kv),
            SpyreTensorLayout.Generic("mask", "float16", mask),
            SpyreTensorLayout.Generic("token_rows", "int32", tokens),
            SpyreTensorLayout.Generic("out", "float16", query),
        };
    }

    /// <summary>layouts.json: a JSON array of the layouts' objects, as the Spyre sample's --out writes it.</summary>
    internal static string LayoutsJson(IEnumerable<SpyreTensorLayout> layouts) =>
        "[\n  " + string.Join(",\n  ", layouts.Select(l => l.ToJson())) + "\n]\n";

    private static void InRange(string option, int value, int max)
    {
        if (value <= 0)
        {
            throw new UsageException($"{option} {value}: must be > 0");
        }

        if (value > max)
        {
            throw new UsageException($"{option} {value}: must be ≤ {max}");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
