using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Spyre;

namespace TensorDsl.Cli.Kernels;

/// <summary>A built-in kernel declared with <c>Targets.Spyre</c>: its generated spec and PyTorch program (`tensordsl spyre`).</summary>
public sealed record SpyreBuiltIn(string Name, string Summary, SpyreKernelSpec Spec, string Program)
{
    /// <summary>The file `tensordsl spyre emit` writes the program to: the kernel's name as a Python module name.</summary>
    public string ModuleFile => Name.Replace('-', '_') + ".py";
}

public static class SpyreKernels
{
    /// <summary>Every built-in Spyre kernel, by name; the first is the default of `tensordsl spyre`.</summary>
    public static IReadOnlyList<SpyreBuiltIn> All { get; } = new[]
    {
        new SpyreBuiltIn("paged-spyre",
            $"paged varlen GQA on vLLM v1 metadata, causal, fp16: Hq {PagedSpyreF16.Hq}, Hkv {PagedSpyreF16.Hkv}, D {PagedSpyreF16.D}, block size {PagedSpyreF16.BlockSize}",
            PagedSpyreF16.SpyreSpec, PagedSpyreF16.SpyreProgram),
    };

    public static SpyreBuiltIn? Find(string name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));
}
