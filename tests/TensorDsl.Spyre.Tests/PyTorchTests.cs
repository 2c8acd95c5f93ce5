using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit.Abstractions;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// A real PyTorch runs the emitted program (docs/spyre.md#the-device-program): the host preparation's tensors go out as
/// .npy, PyTorch/run_program.py runs the generated module eagerly and as a torch.fx graph interpreted with fp16 rounding
/// after every op, and the results come back to be compared with the C# emulator and the reference engine. The Python
/// is /usr/bin/python3 (Debian's python3-torch) unless TENSORDSL_PYTHON names another; without torch and numpy the tests
/// report Skipped with the reason, never a pass.
/// </summary>
public class PyTorchTests(ITestOutputHelper output)
{
    internal static readonly Lazy<string?> Unavailable = new(Probe);

    public static IEnumerable<object[]> Cases() => new[]
    {
        new object[] { "Gqa8x2D128", 2 }, // [(72,512),(1,256),(4,128)]
        new object[] { "Mha4D256", 0 },   // [(1,256),(2,128),(4,512)]
        new object[] { "Gqa8x2D256", 1 }, // decodes
        new object[] { "WindowGqa", -1 },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void EmittedProgramRunsInPyTorch(string kernelName, int batchIndex)
    {
        Skip.If(Unavailable.Value is not null, Unavailable.Value);
        var kernel = SpyreKernel.ByName(kernelName);
        var sequences = batchIndex >= 0 ? ConformanceTests.Batches[batchIndex] : new (int Q, int Kv)[] { (1, 300), (7, 7), (50, 200) };
        var batch = SpyreCase.Build(kernel.Spec, sequences, seed: 4242 + batchIndex);
        var inputs = SpyreHost.Prepare(kernel.Spec, batch.Query, batch.KvCache, batch.Batch);

        var work = Directory.CreateTempSubdirectory("tensordsl-spyre-");
        try
        {
            File.WriteAllText(Path.Combine(work.FullName, "program.py"), kernel.Program);
            Npy.Write(Path.Combine(work.FullName, "q.npy"), inputs.Query, inputs.QueryShape);
            Npy.Write(Path.Combine(work.FullName, "k.npy"), inputs.Key, inputs.KvShape);
            Npy.Write(Path.Combine(work.FullName, "v.npy"), inputs.Value, inputs.KvShape);
            Npy.Write(Path.Combine(work.FullName, "mask.npy"), inputs.Mask, inputs.MaskShape);
            Npy.Write(Path.Combine(work.FullName, "token_rows.npy"), (ReadOnlySpan<int>)inputs.TokenRows, inputs.Tokens);
            var (code, text) = RunPython(Path.Combine(AppContext.BaseDirectory, "PyTorch", "run_program.py"), work.FullName);
            Assert.True(code == 0, "run_program.py failed:\n" + text);

            using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(work.FullName, "result.json")));
            var root = result.RootElement;
            var ops = root.GetProperty("ops").EnumerateArray().Select(e => e.GetString()).ToArray();
            // One graph holding exactly the program: q·scale, kᵀ, q @ kᵀ, + mask, softmax, @ v.
            Assert.Equal(new[] { "mul", "transpose", "matmul", "add", "softmax", "matmul" }, ops);
            Assert.Equal(new[] { "q", "k", "v", "mask" }, root.GetProperty("placeholders").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(1, root.GetProperty("outputs").GetInt32());
            Assert.Equal(new[] { "unflatten", "permute", "flatten", "flatten", "index_select" }, root.GetProperty("to_tokens_ops").EnumerateArray().Select(e => e.GetString()));
            // torch.compile is called only where it exists.
            Assert.Equal(!root.GetProperty("has_compile").GetBoolean(), root.GetProperty("compiled_is_eager").GetBoolean());

            var eager = Npy.ReadHalf(Path.Combine(work.FullName, "eager.npy"), out var shape);
            Assert.Equal(new[] { batch.Tokens, kernel.Spec.QueryHeads, kernel.Spec.HeadSize }, shape);
            var fp16 = Npy.ReadHalf(Path.Combine(work.FullName, "fp16.npy"), out _);
            // The fx graph rounds to IEEE fp16 (PyTorch has no DLFloat16): compare with the emulator in that format.
            var emulated = batch.Emulate(format: SpyreNumberFormat.IeeeFp16);
            var reference = batch.Reference(kernel);

            int maxQuery = sequences.Max(s => s.Q);
            var (atol, rtol) = maxQuery >= 32 ? (0.3, 5.0) : (0.2, 0.2);
            Close.Assert(eager, reference, atol, rtol, "PyTorch eager vs reference (reference design's tolerance)");
            Close.Assert(eager, reference, ConformanceTests.TightAtol, ConformanceTests.TightRtol, "PyTorch eager vs reference (tight)");
            Close.Assert(fp16, reference, ConformanceTests.TightAtol, ConformanceTests.TightRtol, "PyTorch fp16-rounded graph vs reference (tight)");
            // The emulator and PyTorch's fp16-rounded graph differ only in fp32 summation order and exp: a couple of ulps.
            Close.Assert(fp16, emulated, 2.5e-4, 4e-3, "PyTorch fp16-rounded graph vs the C# emulator");
            output.WriteLine($"torch {root.GetProperty("torch").GetString()}, eager in {root.GetProperty("eager_dtype").GetString()}; " +
                $"max |eager − reference| {Close.Measure(eager, reference, 1, 0).MaxAbs:E2}, max |fp16 graph − emulator| {Close.Measure(fp16, emulated, 1, 0).MaxAbs:E2}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Python => Environment.GetEnvironmentVariable("TENSORDSL_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    private static string? Probe()
    {
        try
        {
            var (code, text) = RunPython("-c", "import torch, numpy, torch.fx; print(torch.__version__)");
            return code == 0 ? null : $"PyTorch is not available to {Python} (install python3-torch and python3-numpy): {text.Trim().Split('\n').Last()}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{Python} cannot be started ({e.Message}); install python3, python3-torch and python3-numpy";
        }
    }

    internal static (int Code, string Output) RunPython(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out after 120 s\n" + stdout + stderr.Result);
        }

        return (process.ExitCode, stdout + stderr.Result);
    }
}
