using System.Linq;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;
using TensorDsl.Generators.Emit;

namespace TensorDsl.Generators.Cpu;

/// <summary>
/// The CPU target (docs/targets.md): <c>Run</c> over spans (and over tensor spans), over one stacked KV cache for paged
/// kernels, and <c>WriteCache</c>; the implementation (<see cref="CpuEmitter"/>) is the <c>Spec</c> struct the runtime's
/// SIMD driver is generic over, and the forwarding calls into it.
/// </summary>
internal sealed class CpuTarget : ITargetEmitter
{
    public Targets Target => Targets.Cpu;

    public bool TakesStackedCache => true;

    public void WriteEntryPoints(IndentedWriter writer, KernelPlan plan, string? failure)
    {
        var impl = EntryPointWriter.Implementation(plan);
        string Body(string forward) => failure is null ? forward : EntryPointWriter.StubBody(failure);
        EntryPointWriter.Doc(writer, $"Runs <c>{EmitNames.Xml(plan.Identity.ExpressionText)}</c> with the fused CPU kernel (fp32 accumulation, online softmax).", plan);
        writer.Line("/// <param name=\"heads\">Optional: run only this contiguous range of query heads (a tensor-parallel shard) on the full tensors; other heads of the output are left as they are.</param>");
        var spans = EntrySignature.Of(plan);
        EntryPointWriter.Method(writer, "Run", spans.EntryParameters(EntryForm.Spans), Body($"{impl}.Run({spans.Arguments()});"));
        TensorSpanWriter.WriteRun(writer, plan, impl, failure);
        if (plan.Batch == BatchKind.Paged)
        {
            writer.Line();
            EntryPointWriter.Doc(writer, "As the other <c>Run</c>, over one stacked cache <c>[N, 2, BlockSize, Hkv, D]</c> or <c>[2, N, BlockSize, Hkv, D]</c> holding K and V (addressed by strides, never copied).", plan);
            writer.Line("/// <param name=\"heads\">Optional: run only this contiguous range of query heads on the full tensors.</param>");
            var stacked = EntrySignature.Of(plan, stacked: true);
            EntryPointWriter.Method(writer, "Run", stacked.EntryParameters(EntryForm.Spans), Body($"{impl}.RunStacked({stacked.Arguments()});"));
            WriteCacheEntries(writer, plan, impl, Body);
        }

        writer.Line();
    }

    public void WriteImplementation(IndentedWriter writer, ImplementationNames names)
    {
        writer.Line();
        CpuEmitter.Write(writer, names);
    }

    private static void WriteCacheEntries(IndentedWriter writer, KernelPlan plan, string impl, System.Func<string, string> body)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Writes the new tokens' keys and values <c>[T, Hkv, D]</c> into the caches at <c>batch.SlotMapping</c> (vLLM's");
        writer.Line("/// reshape_and_cache; a negative slot is skipped). Every slot is checked (in range, none written twice) before any write.");
        writer.Line("/// </summary>");
        var separate = EntrySignature.Of(plan);
        using (writer.Block($"public static void WriteCache({separate.CacheWriteParameters()})"))
        {
            writer.Line(body($"{impl}.WriteCache({separate.CacheWriteArguments()});"));
        }

        writer.Line();
        writer.Line("/// <summary>As the other <c>WriteCache</c>, into one stacked cache holding K and V.</summary>");
        var stacked = EntrySignature.Of(plan, stacked: true);
        using (writer.Block($"public static void WriteCache({stacked.CacheWriteParameters()})"))
        {
            writer.Line(body($"{impl}.WriteCache({stacked.CacheWriteArguments()});"));
        }
    }
}
