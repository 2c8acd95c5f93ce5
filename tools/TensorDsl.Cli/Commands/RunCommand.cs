using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using TensorDsl.Cli.Kernels;
using TensorDsl.Cli.Npy;

namespace TensorDsl.Cli.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var names = BuiltInKernels.All.Select(k => k.Name).ToArray();
        var kernel = new Argument<string>("kernel")
        {
            Description = "The built-in kernel: " + string.Join(", ", names) + " ('tensordsl kernels' describes them).",
        };
        kernel.AcceptOnlyFromAmong(names);

        var q = new Option<FileInfo>("--q") { Description = "Queries (.npy, float32 or float16).", Required = true };
        var k = new Option<FileInfo>("--k") { Description = "Keys, or the paged key cache (.npy, q's element type).", Required = true };
        var v = new Option<FileInfo>("--v") { Description = "Values, or the paged value cache (.npy, q's element type).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the output (.npy, q's element type).", Required = true };
        var lse = new Option<FileInfo?>("--lse") { Description = "Also write the log-sum-exp per row (.npy, float32; [B, Hq, Sq] dense, [Hq, T] paged)." };
        var queryStartLoc = new Option<FileInfo?>("--query-start-loc") { Description = "Paged: vLLM query_start_loc (.npy int32 or int64, [B + 1])." };
        var seqLens = new Option<FileInfo?>("--seq-lens") { Description = "Paged: vLLM seq_lens (.npy int32 or int64, [B])." };
        var blockTable = new Option<FileInfo?>("--block-table") { Description = "Paged: vLLM block_table (.npy int32 or int64, [B, max_blocks_per_sequence])." };
        var engine = Cli.EnumOption("--engine", "cpu: the generated fused kernel; reference: the eager fp64 reference engine.", Engine.Cpu);
        var quiet = new Option<bool>("--quiet") { Description = "No progress line and no summary." };

        var command = new Command("run", "Run a built-in kernel on .npy inputs and write its output as .npy.")
        {
            kernel, q, k, v, output, lse, queryStartLoc, seqLens, blockTable, engine, quiet,
        };

        command.SetAction(result => Cli.Guard(() =>
        {
            var chosen = BuiltInKernels.Find(result.GetValue(kernel)!)!;
            var isQuiet = result.GetValue(quiet);
            var clock = Stopwatch.StartNew();
            KernelOutputs outputs;
            using (var progress = new ProgressLine(isQuiet))
            {
                var inputs = new KernelInputs(
                    Files.Read(progress, "--q", result.GetValue(q)!),
                    Files.Read(progress, "--k", result.GetValue(k)!),
                    Files.Read(progress, "--v", result.GetValue(v)!),
                    Optional(progress, "--query-start-loc", result.GetValue(queryStartLoc)),
                    Optional(progress, "--seq-lens", result.GetValue(seqLens)),
                    Optional(progress, "--block-table", result.GetValue(blockTable)));
                if (!chosen.IsPaged && (inputs.QueryStartLoc ?? inputs.SeqLens ?? inputs.BlockTable) is not null)
                {
                    throw new InputException($"'{chosen.Name}' is a dense kernel and takes no vLLM metadata (--query-start-loc, --seq-lens, --block-table)");
                }

                var which = result.GetValue(engine);
                progress.Step($"running {chosen.Name} on the {(which == Engine.Cpu ? "CPU kernel" : "reference engine")}");
                outputs = chosen.Run(inputs, which);

                var outFile = result.GetValue(output)!;
                progress.Step("writing " + outFile.Name);
                outputs.Output.Write(outFile.FullName);
                if (result.GetValue(lse) is { } lseFile)
                {
                    outputs.Lse.Write(lseFile.FullName);
                }
            }

            if (!isQuiet)
            {
                Console.WriteLine($"{chosen.Name}: wrote {result.GetValue(output)!.Name} {outputs.Output.ShapeText} {NpyArray.Describe(outputs.Output.Type)} in {clock.Elapsed.TotalSeconds:0.000} s");
            }

            return 0;
        }));
        return command;
    }

    private static NpyArray? Optional(ProgressLine progress, string option, FileInfo? file) => file is null ? null : Files.Read(progress, option, file);
}

internal static class KernelsCommand
{
    public static Command Create()
    {
        var command = new Command("kernels", "List the built-in kernels, what they compute and the inputs they take.");
        command.SetAction(_ =>
        {
            foreach (var kernel in BuiltInKernels.All)
            {
                Console.WriteLine($"{kernel.Name,-15} {kernel.Summary}");
                Console.WriteLine($"{"",-15} {kernel.Layout}");
            }

            Console.WriteLine();
            Console.WriteLine("Element types: float32 or float16 (q, k and v alike; the output has q's); sizes come from the inputs.");
            Console.WriteLine("paged-spyre is float16 only and its heads and D are constants (Spyre compiles static shapes): 'tensordsl spyre --help'.");
            return 0;
        });
        return command;
    }
}
