using System.Globalization;
using System.Linq;
using System.Text;
using TensorDsl.FrontEnd.Spyre;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Plan;
using TensorDsl.Generators.Emit;

namespace TensorDsl.Generators.Spyre;

/// <summary>
/// The Spyre target's entry points (docs/spyre.md): the kernel's <c>SpyreSpec</c> (sizes, scale, mask key range and
/// buckets — the runtime's host preparation, emulator and bucket plan are generic over it), <c>SpyreProgram</c> (the
/// device program as PyTorch-native Python source, a constant the host writes out or hands to its Python side), and
/// <c>SpyrePrepare</c> / <c>SpyreWriteCache</c> / <c>SpyreUnpack</c> forwarding to <c>TensorDsl.Spyre.SpyreHost</c>.
/// </summary>
internal static class SpyreEmitter
{
    private const string Ns = "global::TensorDsl.Spyre";

    public static void WriteEntryPoints(IndentedWriter writer, KernelPlan plan)
    {
        var spyre = plan.For<SpyreLowering>()!;
        var sizes = plan.Sizes;
        var masks = plan.Masks;
        string Int(DimExpr dim) => dim.StaticValue!.Value.ToString(CultureInfo.InvariantCulture);
        int left = masks.HasWindow ? masks.Left : -1;
        int right = masks.HasWindow ? masks.Right : -1;
        writer.Line("/// <summary>");
        writer.Line("/// The Spyre target's description of this kernel: head counts, head size, block size, the scale its program");
        writer.Line("/// folds into q, the mask's key range and the buckets (KV bucket and query padding from the attribute). Pass");
        writer.Line("/// <c>SpyreSpec with { Bucketing = … }</c> to the runtime's <c>SpyreHost</c> to try other buckets.");
        writer.Line("/// </summary>");
        writer.Line($"public static {Ns}.SpyreKernelSpec SpyreSpec {{ get; }} = new(");
        using (writer.Indent())
        {
            writer.Line($"{Int(sizes.Hq)}, {Int(sizes.Hkv)}, {Int(sizes.D)}, {Int(sizes.BlockSize!)}, {EmitNames.Float(spyre.Scale)},");
            writer.Line($"causal: {(masks.Causal ? "true" : "false")}, windowLeft: {left}, windowRight: {right}, chunk: {masks.Chunk},");
            writer.Line($"bucketing: new {Ns}.SpyreBucketing({spyre.Settings.KvBucket}, {spyre.Settings.QueryPadding}));");
        }

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The device program, PyTorch-native Python: <c>attention(q, k, v, mask)</c> (scale folded into q,");
        writer.Line("/// q @ kᵀ, + mask, softmax, @ v, one static graph per shape) and <c>to_tokens(out, token_rows)</c> (the way");
        writer.Line("/// back to flat [T, Hq, D]).");
        writer.Line("/// Write it to a <c>.py</c> file (the Spyre sample's <c>--out</c>) or hand it to the Python side of the host.");
        writer.Line("/// </summary>");
        writer.Line("public const string SpyreProgram = " + Verbatim(Program(plan)) + ";");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Host preparation of one batch (q placed as [B·Hkv, G, Qp, D], pages gathered into [B·Hkv, 1, L, D] K/V,");
        writer.Line("/// the fp16 mask, token_rows) over the stacked cache [N, 2, BlockSize, Hkv, D].");
        writer.Line("/// </summary>");
        using (writer.Block($"public static {Ns}.SpyreInputs SpyrePrepare(global::System.ReadOnlySpan<global::System.Half> q, global::System.ReadOnlySpan<global::System.Half> kvCache, global::TensorDsl.PagedBatch batch, {Ns}.SpyreInputs? into = null)"))
        {
            writer.Line($"return {Ns}.SpyreHost.Prepare(SpyreSpec, q, kvCache, batch, into);");
        }

        writer.Line();
        writer.Line("/// <summary>Writes the batch's new K/V rows [T, Hkv, D] into the stacked cache at <c>slot_mapping</c> (vLLM's reshape_and_cache).</summary>");
        using (writer.Block("public static void SpyreWriteCache(global::System.ReadOnlySpan<global::System.Half> newKeys, global::System.ReadOnlySpan<global::System.Half> newValues, global::System.Span<global::System.Half> kvCache, global::TensorDsl.PagedBatch batch)"))
        {
            writer.Line($"{Ns}.SpyreHost.WriteCache(SpyreSpec, newKeys, newValues, kvCache, batch);");
        }

        writer.Line();
        writer.Line("/// <summary>The way back: the program's output [B·Hkv, G, Qp, D] → the valid rows of flat [T, Hq, D].</summary>");
        using (writer.Block($"public static void SpyreUnpack({Ns}.SpyreInputs inputs, global::System.ReadOnlySpan<global::System.Half> programOutput, global::System.Span<global::System.Half> output)"))
        {
            writer.Line($"{Ns}.SpyreHost.Unpack(inputs, programOutput, output);");
        }

        writer.Line();
        writer.Line("/// <summary>The step plan for a serving configuration: exactly the variants to compile at start-up (docs/spyre.md#the-step-plan).</summary>");
        using (writer.Block($"public static {Ns}.SpyreStepBuckets SpyrePlan(int maxNumSeqs, int maxModelLen, int maxNumBatchedTokens = 2048)"))
        {
            writer.Line($"return {Ns}.SpyreStepBuckets.Plan(maxNumSeqs, maxModelLen, maxNumBatchedTokens);");
        }

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Host preparation of one vLLM step (decodes, chunked prefills, prefills) as at most three launches of");
        writer.Line("/// <paramref name=\"plan\"/>'s variants.");
        writer.Line("/// </summary>");
        using (writer.Block($"public static {Ns}.SpyreStepInputs SpyrePrepare(global::System.ReadOnlySpan<global::System.Half> q, global::System.ReadOnlySpan<global::System.Half> kvCache, global::TensorDsl.PagedBatch batch, {Ns}.SpyreStepBuckets plan, {Ns}.SpyreStepInputs? into = null)"))
        {
            writer.Line($"return {Ns}.SpyreHost.PrepareStep(SpyreSpec, plan, q, kvCache, batch, into);");
        }

        writer.Line();
        writer.Line("/// <summary>The way back for a step: each launch's program output into its tokens' rows of flat [T, Hq, D].</summary>");
        using (writer.Block($"public static void SpyreUnpack({Ns}.SpyreStepInputs step, global::System.Collections.Generic.IReadOnlyList<global::System.Half[]> programOutputs, global::System.Span<global::System.Half> output)"))
        {
            writer.Line($"{Ns}.SpyreHost.UnpackStep(step, programOutputs, output);");
        }

        writer.Line();
    }

    /// <summary>
    /// The Python module. Static shapes only: nothing branches on data, every size comes from the tensors' shapes or
    /// the constants, and torch.compile is called only where it exists (PyTorch ≥ 2).
    /// </summary>
    public static string Program(KernelPlan plan)
    {
        var sizes = plan.Sizes;
        var spyre = plan.For<SpyreLowering>()!;
        long hq = sizes.Hq.StaticValue!.Value, hkv = sizes.Hkv.StaticValue!.Value, d = sizes.D.StaticValue!.Value;
        var scale = ((double)spyre.Scale).ToString("R", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        var masks = plan.Masks;
        Line($"# <auto-generated/> TensorDsl Spyre program for kernel {string.Join(".", plan.Identity.TypeChain.Select(t => t.Name))}");
        Line($"# Expression: {plan.Identity.ExpressionText}");
        Line("# The device program attention(q, k, v, mask) over inputs prepared by the generated SpyrePrepare or by prepare()");
        Line("# below: q [B*Hkv, G, Qp, D], k and v [B*Hkv, 1, L, D] (keys minus their per-(sequence, KV head) mean: softmax is");
        Line("# shift-invariant per row), mask [B*Hkv, 1, Qp, L] (0 visible, -65504 hidden), token_rows int32 [T]. The scale is");
        Line("# folded into q before q @ k^T. Plan, prepare(), SpyreAttention.warmup() and forward(): serving from Python without");
        Line("# .NET (docs/spyre.md).");
        Line($"QUERY_HEADS = {hq}");
        Line($"KV_HEADS = {hkv}");
        Line($"GROUP = {hq / hkv}");
        Line($"HEAD_SIZE = {d}");
        Line($"BLOCK_SIZE = {sizes.BlockSize!.StaticValue!.Value}");
        Line($"SCALE = {scale}");
        Line($"CAUSAL = {(masks.Causal ? "True" : "False")}");
        Line($"WINDOW_LEFT = {(masks.HasWindow ? masks.Left : -1)}");
        Line($"WINDOW_RIGHT = {(masks.HasWindow ? masks.Right : -1)}");
        Line($"CHUNK = {masks.Chunk}");
        Line("SHIFT_KEYS = True");
        Line($"KV_BUCKET = {spyre.Settings.KvBucket}");
        Line($"QUERY_PADDING = {spyre.Settings.QueryPadding}");
        Line();
        text.Append(ModuleBody.Value);
        return text.ToString();
    }

    /// <summary>The module's kernel-independent body (Targets/Spyre/spyre_module.py, embedded), with \n line ends.</summary>
    private static readonly System.Lazy<string> ModuleBody = new(() =>
    {
        using var stream = typeof(SpyreEmitter).Assembly.GetManifestResourceStream("TensorDsl.Generators.Spyre.spyre_module.py")
            ?? throw new System.InvalidOperationException("spyre_module.py is not embedded in the generator");
        using var reader = new System.IO.StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    });

    private static string Verbatim(string text) => "@\"" + text.Replace("\"", "\"\"") + "\"";
}
