using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TensorDsl.Runtime;

namespace TensorDsl;

/// <summary>
/// A declaration resolved against its bindings: every size, every operand's view, the score steps with their
/// data. Building it validates everything (docs/semantics.md#validation: each failure names the parameter, the
/// dimension, the expected and the actual value), so evaluation never meets a bad size or index.
/// </summary>
internal sealed class ReferencePlan
{
    private readonly bool _tokenRows;
    private readonly int[] _queryStarts;
    private readonly int _queryLength;
    private readonly int _tokens;

    private ReferencePlan(Builder b)
    {
        Batch = b.Batch;
        QueryHeads = b.QueryHeads;
        Group = b.QueryHeads == 0 ? 1 : b.QueryHeads / b.KvHeads;
        ValueDim = b.ValueDim;
        QueryLengths = b.QueryLengths;
        KvLengths = b.KvLengths;
        MaxKvLength = b.MaxKvLength;
        Query = b.Query!;
        Key = b.Key!;
        Value = b.Value!;
        Output = b.Output!;
        Ops = b.Ops.ToArray();
        Masks = b.Masks;
        Sinks = b.Sinks;
        LseLength = b.LseLength;
        _tokenRows = b.TokenRows;
        _queryStarts = b.QueryStarts;
        _queryLength = b.QueryLength;
        _tokens = b.Tokens;
    }

    public int Batch { get; }

    public int QueryHeads { get; }

    /// <summary><c>G = Hq / Hkv</c>: query head <c>h</c> reads KV head <c>h / G</c>.</summary>
    public int Group { get; }

    public int ValueDim { get; }

    public int[] QueryLengths { get; }

    public int[] KvLengths { get; }

    public int MaxKvLength { get; }

    public SequenceView Query { get; }

    public SequenceView Key { get; }

    public SequenceView Value { get; }

    /// <summary>A view over the freshly allocated fp64 output, in the declared output layout.</summary>
    public SequenceView Output { get; }

    public ScoreOp[] Ops { get; }

    public MaskTerm[] Masks { get; }

    public double[]? Sinks { get; }

    public int OutputLength => Output.Data.Length;

    public int LseLength { get; }

    /// <summary>
    /// LSE is <c>[B, Hq, Sq]</c> for dense queries and <c>[Hq, T]</c> for token rows (FlashAttention's varlen
    /// <c>softmax_lse</c> and vLLM's <c>merge_attn_states</c> layout).
    /// </summary>
    public int LseOffset(int b, int h, int i) =>
        _tokenRows ? h * _tokens + _queryStarts[b] + i : (b * QueryHeads + h) * _queryLength + i;

    public static ReferencePlan Build<T>(AttentionTensor<T> declared, ReferenceBindings inputs, ReadOnlySpan<int> outputDims)
        where T : unmanaged
    {
        if (declared is null) throw new ArgumentNullException(nameof(declared));
        if (inputs is null) throw new ArgumentNullException(nameof(inputs));
        var result = declared.Result ?? throw new ArgumentException(
            $"'{declared.Name}' is an input placeholder: pass the tensor returned by the kernel declaration (its Result is null).",
            nameof(declared));

        var builder = new Builder(inputs);
        builder.Resolve(result.Probabilities, result.Values, declared, outputDims);
        return new ReferencePlan(builder);
    }

    /// <summary>The mutable state of one resolution, in the order it is established.</summary>
    private sealed class Builder
    {
        private readonly ReferenceBindings _inputs;
        private VarlenBatch? _batch;

        public Builder(ReferenceBindings inputs) => _inputs = inputs;

        public int Batch, QueryHeads, KvHeads, HeadDim, ValueDim, MaxQueryLength, MaxKvLength, LseLength;
        public int QueryLength, Tokens;
        public bool TokenRows, KvVarlen;
        public int[] QueryLengths = Array.Empty<int>(), KvLengths = Array.Empty<int>(), QueryStarts = Array.Empty<int>();
        public SequenceView? Query, Key, Value, Output;
        public readonly List<ScoreOp> Ops = new();
        public MaskTerm[] Masks = Array.Empty<MaskTerm>();
        public double[]? Sinks;

        public void Resolve(Probabilities probabilities, KernelOperand values, KernelOperand output, ReadOnlySpan<int> outputDims)
        {
            var scores = probabilities.Scores;
            ResolveBatch(scores.Query, scores.Key, values, output);
            ResolveQuery(scores.Query);
            Key = ResolveKv(scores.Key, out int keyLength);
            Value = ResolveKv(values, out int valueLength);
            CheckKvAgree(scores.Key, values, keyLength, valueLength);
            ResolveOutput(output, outputDims);
            ResolveSteps(scores);
            Masks = scores.Masks.ToArray();
            if (probabilities.Sinks is { } sinks)
            {
                Sinks = BindPerHead(sinks);
            }
        }

        /// <summary>Varlen layouts read their row structure from <see cref="ReferenceBindings.Batch"/>.</summary>
        private void ResolveBatch(KernelOperand q, KernelOperand k, KernelOperand v, KernelOperand output)
        {
            CheckLayout(q, "query", Layout.Bhsd, Layout.Bshd, Layout.Tokens);
            CheckLayout(k, "key", Layout.Bhsd, Layout.Bshd, Layout.Tokens, Layout.Pages);
            CheckLayout(v, "value", Layout.Bhsd, Layout.Bshd, Layout.Tokens, Layout.Pages);
            CheckLayout(output, "output", Layout.Bhsd, Layout.Bshd, Layout.Tokens);
            if ((q.Layout == Layout.Tokens) != (output.Layout == Layout.Tokens))
            {
                throw new ArgumentException(
                    $"The output '{output.Name}' ({output.Layout}) must have token rows exactly when the query '{q.Name}' ({q.Layout}) does: the output has the query's rows.",
                    nameof(output));
            }

            // Same rule as the analyzer (TDSL0003): a dense query needs dense K/V, a token-row query varlen K/V.
            // A mixture would silently ignore either the batch metadata or the dense sequence lengths.
            foreach (var kv in new[] { k, v })
            {
                if ((kv.Layout is Layout.Tokens or Layout.Pages) != (q.Layout == Layout.Tokens))
                {
                    throw new ArgumentException(
                        $"'{kv.Name}' is {kv.Layout} but the query '{q.Name}' is {q.Layout}: a dense query (Bhsd/Bshd) needs dense keys and values, a Tokens query needs Tokens or Pages keys and values.",
                        "declared");
                }
            }

            // Same rule as the analyzer (TDSL0030, docs/semantics.md#element-types): k and v share the KV cache's element
            // type, the output has the query's; the two types may differ.
            CheckSameElement(v, k, "the values share the keys' element type (the KV cache's)");
            CheckSameElement(output, q, "the output has the query's element type");

            bool varlen = false, paged = false;
            foreach (var operand in new[] { q, k, v })
            {
                varlen |= operand.Layout is Layout.Tokens or Layout.Pages;
                paged |= operand.Layout == Layout.Pages;
            }

            if (!varlen)
            {
                return; // dense: a Batch, if set, is not used
            }

            _batch = _inputs.Batch ?? throw new ArgumentException(
                "A Tokens or Pages operand needs ReferenceBindings.Batch (query_start_loc and seq_lens).", "inputs");
            if (paged && _batch is not PagedBatch)
            {
                throw new ArgumentException(
                    "A Pages operand needs ReferenceBindings.Batch to be a PagedBatch (with block_table).", "inputs");
            }
        }

        private void ResolveQuery(KernelOperand q)
        {
            var binding = Bind(q);
            var d = binding.Dims;
            if (q.Layout == Layout.Tokens)
            {
                var batch = _batch!;
                Batch = batch.NumSequences;
                Expect(q, "T", batch.NumTokens, d[0], "the token count, queryStartLoc[B]");
                QueryHeads = d[1];
                HeadDim = d[2];
                QueryLengths = new int[Batch];
                QueryStarts = new int[Batch];
                for (int b = 0; b < Batch; b++)
                {
                    QueryLengths[b] = batch.QueryLength(b);
                    QueryStarts[b] = batch.QueryStart(b);
                }

                MaxQueryLength = batch.MaxQueryLen;
                TokenRows = true;
                Tokens = batch.NumTokens;
                Query = new TokensView(q.Name, binding.Data, QueryHeads, HeadDim, QueryStarts);
                return;
            }

            Batch = d[0];
            (QueryHeads, QueryLength) = q.Layout == Layout.Bhsd ? (d[1], d[2]) : (d[2], d[1]);
            HeadDim = d[3];
            QueryLengths = Filled(Batch, QueryLength);
            MaxQueryLength = QueryLength;
            Query = Dense(q, binding.Data, QueryHeads, QueryLength, HeadDim);
        }

        /// <summary>Resolves K or V; <paramref name="length"/> is the dense S, or −1 for a varlen layout.</summary>
        private SequenceView ResolveKv(KernelOperand operand, out int length)
        {
            var binding = Bind(operand);
            var d = binding.Dims;
            if (operand.Layout is Layout.Bhsd or Layout.Bshd)
            {
                Expect(operand, "B", Batch, d[0], BatchSource());
                (int heads, length) = operand.Layout == Layout.Bhsd ? (d[1], d[2]) : (d[2], d[1]);
                KvLengths = Filled(Batch, length);
                MaxKvLength = length;
                return Dense(operand, binding.Data, heads, length, d[3]);
            }

            // Varlen K/V: the lengths are seq_lens, one batch for the whole call.
            var batch = _batch!;
            length = -1;
            if (batch.NumSequences != Batch)
            {
                throw new ShapeException("seqLens", "length", Invariant($"{Batch} (B of '{QueryName()}')"), batch.NumSequences);
            }

            KvLengths = new int[Batch];
            for (int b = 0; b < Batch; b++)
            {
                KvLengths[b] = batch.KvLength(b);
            }

            MaxKvLength = batch.MaxSeqLen;
            if (operand.Layout == Layout.Tokens)
            {
                // KV tokens of consecutive sequences lie back to back: start offsets are prefix sums of seq_lens.
                var starts = new int[Batch];
                long total = 0;
                for (int b = 0; b < Batch; b++)
                {
                    starts[b] = (int)Math.Min(total, int.MaxValue);
                    total += KvLengths[b];
                }

                Expect(operand, "T", total, d[0], "the KV token count, Σ seqLens");
                return new TokensView(operand.Name, binding.Data, d[1], d[2], starts);
            }

            var paged = (PagedBatch)batch;
            paged.Validate(numBlocks: d[0], blockSize: d[1]);
            return new PagesView(operand.Name, binding.Data, d[1], d[2], d[3], paged);
        }

        /// <summary>K and V must describe the same keys: the same heads and the same per-sequence lengths.</summary>
        private void CheckKvAgree(KernelOperand k, KernelOperand v, int keyLength, int valueLength)
        {
            if ((keyLength < 0) != (valueLength < 0))
            {
                throw new ArgumentException(
                    $"'{k.Name}' ({k.Layout}) and '{v.Name}' ({v.Layout}) must both be dense or both varlen (Tokens/Pages): their sequence lengths must come from the same place.",
                    nameof(v));
            }

            KvVarlen = keyLength < 0;
            if (!KvVarlen)
            {
                Expect(v, "Sk", keyLength, valueLength, $"Sk of '{k.Name}'");
            }

            KvHeads = Key!.Heads;
            if (KvHeads <= 0)
            {
                throw new ShapeException(k.Name, "Hkv", "> 0", KvHeads);
            }

            Expect(v, "Hkv", KvHeads, Value!.Heads, $"Hkv of '{k.Name}'");
            if (QueryHeads % KvHeads != 0)
            {
                throw new ShapeException(
                    QueryName(), "Hq", Invariant($"a multiple of {KvHeads} (Hkv of '{k.Name}')"), QueryHeads);
            }

            Expect(k, "D", HeadDim, Key.HeadDim, $"D of '{QueryName()}'");
            ValueDim = Value.HeadDim;
        }

        private void ResolveOutput(KernelOperand output, ReadOnlySpan<int> dims)
        {
            // Dims the declaration implies, in the output's layout order, with names for the messages.
            var (expected, names) = output.Layout switch
            {
                Layout.Bhsd => (new long[] { Batch, QueryHeads, QueryLength, ValueDim }, new[] { "B", "Hq", "Sq", "D" }),
                Layout.Bshd => (new long[] { Batch, QueryLength, QueryHeads, ValueDim }, new[] { "B", "Sq", "Hq", "D" }),
                _ => (new long[] { Tokens, QueryHeads, ValueDim }, new[] { "T", "Hq", "D" }),
            };
            if (dims.Length != expected.Length)
            {
                throw new ShapeException(
                    output.Name, "rank", Invariant($"{expected.Length} ([{string.Join(", ", names)}] for layout {output.Layout})"), dims.Length);
            }

            for (int i = 0; i < expected.Length; i++)
            {
                Expect(output, names[i], expected[i], dims[i], "implied by the declaration's inputs");
            }

            int length = expected.Length == 4
                ? KernelGuard.Elements(output.Name, dims[0], dims[1], dims[2], dims[3])
                : KernelGuard.Elements(output.Name, dims[0], dims[1], dims[2]);
            var data = new double[length];
            Output = output.Layout == Layout.Tokens
                ? new TokensView(output.Name, data, QueryHeads, ValueDim, QueryStarts)
                : Dense(output, data, QueryHeads, QueryLength, ValueDim);
            LseLength = TokenRows
                ? KernelGuard.Elements("lse", QueryHeads, Tokens)
                : KernelGuard.Elements("lse", Batch, QueryHeads, QueryLength);
        }

        /// <summary>Score steps in source order; the default scale <c>1/sqrt(D)</c> goes first when none is written.</summary>
        private void ResolveSteps(Scores scores)
        {
            bool scaled = false;
            foreach (var step in scores.Steps)
            {
                scaled |= step is ScaleStep;
            }

            if (!scaled)
            {
                Ops.Add(new ScaleOp(Dsl.Rsqrt(HeadDim))); // the same float the generator folds
            }

            foreach (var step in scores.Steps)
            {
                Ops.Add(step switch
                {
                    ScaleStep s => new ScaleOp(s.Scale),
                    SoftcapStep s => new SoftcapOp(s.Cap),
                    BiasStep s => BindBias(s.Bias),
                    AlibiStep s => new AlibiOp(BindPerHead(s.Slopes)),
                    ModifierStep s => new ModifierOp(s.Modifier),
                    _ => throw new NotSupportedException($"The reference engine does not know the score step {step}."),
                });
            }

            foreach (var mask in scores.Masks)
            {
                if (mask is not (CausalMask or WindowMask or ChunkedMask or PredicateMask))
                {
                    throw new NotSupportedException($"The reference engine does not know the mask {mask}.");
                }
            }
        }

        /// <summary>
        /// A bias is <c>[B, Hq, Sq, Sk]</c>, each dimension 1 (broadcast) or full. For varlen rows the full Sq/Sk
        /// are the batch's longest query/KV lengths: a sequence uses the top-left corner of its padded slice.
        /// </summary>
        private BiasOp BindBias(KernelOperand bias)
        {
            var binding = Bind(bias);
            var full = new long[] { Batch, QueryHeads, MaxQueryLength, MaxKvLength };
            var names = new[] { "B", "Hq", "Sq", "Sk" };
            var why = new[]
            {
                BatchSource(),
                $"Hq of '{QueryName()}'",
                TokenRows ? "MaxQueryLen of the batch" : $"Sq of '{QueryName()}'",
                KvVarlen ? "MaxSeqLen of the batch" : $"Sk of '{Key!.Name}'",
            };
            for (int i = 0; i < 4; i++)
            {
                int actual = binding.Dims[i];
                if (actual != 1 && actual != full[i])
                {
                    throw new ShapeException(bias.Name, names[i], Invariant($"1 or {full[i]} ({why[i]})"), actual);
                }
            }

            return new BiasOp(binding.Data, binding.Dims);
        }

        private double[] BindPerHead(KernelOperand perHead)
        {
            var binding = Bind(perHead);
            Expect(perHead, "Hq", QueryHeads, binding.Dims[0], $"Hq of '{QueryName()}'");
            return binding.Data;
        }

        /// <summary>The operand's binding, checked for presence, element type and rank.</summary>
        private ReferenceBinding Bind(KernelOperand operand)
        {
            if (!_inputs.TryGet(operand.Name, out var binding))
            {
                throw new ArgumentException(
                    $"No tensor is bound for '{operand.Name}' ({operand.Layout}<{TypeName(operand.ElementType)}>).", "inputs");
            }

            if (binding.ElementType != operand.ElementType)
            {
                throw new ArgumentException(
                    $"'{operand.Name}' is declared with element type {TypeName(operand.ElementType)} but was bound as {TypeName(binding.ElementType)}.",
                    "inputs");
            }

            var (rank, shape) = (LayoutAxes.Rank(operand.Layout), LayoutAxes.Describe(operand.Layout));
            if (binding.Dims.Length != rank)
            {
                throw new ShapeException(
                    operand.Name, "rank", Invariant($"{rank} ({shape} for layout {operand.Layout})"), binding.Dims.Length);
            }

            return binding;
        }

        private string BatchSource() => TokenRows ? "the sequences in the batch" : $"B of '{QueryName()}'";

        private string QueryName() => Query?.Name ?? "q";

        private static SequenceView Dense(KernelOperand operand, double[] data, int heads, int length, int headDim) =>
            operand.Layout == Layout.Bhsd
                ? new BhsdView(operand.Name, data, heads, length, headDim)
                : new BshdView(operand.Name, data, heads, length, headDim);

        private static void CheckLayout(KernelOperand operand, string role, params Layout[] allowed)
        {
            if (Array.IndexOf(allowed, operand.Layout) < 0)
            {
                throw new NotSupportedException(
                    $"'{operand.Name}' has layout {operand.Layout}, which cannot be the {role} (allowed: {string.Join(", ", allowed)}).");
            }
        }

        private static void CheckSameElement(KernelOperand operand, KernelOperand other, string rule)
        {
            if (operand.ElementType != other.ElementType)
            {
                throw new ArgumentException(
                    $"'{operand.Name}' has element type {TypeName(operand.ElementType)} but '{other.Name}' has {TypeName(other.ElementType)}: {rule}.",
                    "declared");
            }
        }

        private static void Expect(KernelOperand operand, string dimension, long expected, long actual, string why)
        {
            if (expected != actual)
            {
                throw new ShapeException(operand.Name, dimension, Invariant($"{expected} ({why})"), actual);
            }
        }

        private static string TypeName(Type type) => type == typeof(float) ? "float" : type.Name;

        private static int[] Filled(int count, int value)
        {
            var array = new int[count];
            Array.Fill(array, value);
            return array;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
