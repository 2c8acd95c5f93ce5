using System;
using Google.Protobuf;

namespace TensorDsl.Bench.Onnx;

/// <summary>
/// Builds the one-node ONNX models the ONNX Runtime peer runs, as <see cref="ModelProto"/> messages generated from
/// Onnx/onnx.proto, serialised by Google.Protobuf. Every size is symbolic, so one model serves every shape of a case.
/// </summary>
internal static class OnnxModels
{
    private const string MicrosoftDomain = "com.microsoft";

    /// <summary>
    /// com.microsoft GroupQueryAttention (always causal, bottom-right aligned; one element type for q, k, v and the
    /// caches). Inputs: query <c>[B, S, Hq·D]</c>, key/value <c>[B, S, Hkv·D]</c> (the new tokens),
    /// optionally past_key/past_value <c>[B, Hkv, P, D]</c> (BNSH), seqlens_k <c>[B]</c> int32 (total length − 1),
    /// total_sequence_length (int32 scalar). Outputs: output <c>[B, S, Hq·D]</c>, present_key/present_value
    /// <c>[B, Hkv, P', D]</c>. Binding the same buffer as past and present makes the kernel append in place.
    /// </summary>
    public static byte[] GroupQueryAttention(TensorProto.Types.DataType type, int numHeads, int kvNumHeads, float scale, bool withPast)
    {
        var node = new NodeProto { Name = "attention", OpType = "GroupQueryAttention", Domain = MicrosoftDomain };
        node.Input.Add(new[]
        {
            "query", "key", "value", withPast ? "past_key" : "", withPast ? "past_value" : "", "seqlens_k", "total_sequence_length",
        });
        node.Output.Add(new[] { "output", "present_key", "present_value" });
        node.Attribute.Add(Int("num_heads", numHeads));
        node.Attribute.Add(Int("kv_num_heads", kvNumHeads));
        node.Attribute.Add(Float("scale", scale));

        var graph = new GraphProto { Name = "gqa" };
        graph.Node.Add(node);
        graph.Input.Add(Value("query", type, "B", "S", "QHidden"));
        graph.Input.Add(Value("key", type, "B", "S", "KvHidden"));
        graph.Input.Add(Value("value", type, "B", "S", "KvHidden"));
        if (withPast)
        {
            graph.Input.Add(Value("past_key", type, "B", kvNumHeads, "P", "D"));
            graph.Input.Add(Value("past_value", type, "B", kvNumHeads, "P", "D"));
        }

        graph.Input.Add(Value("seqlens_k", TensorProto.Types.DataType.Int32, "B"));
        graph.Input.Add(Value("total_sequence_length", TensorProto.Types.DataType.Int32));
        graph.Output.Add(Value("output", type, "B", "S", "QHidden"));
        graph.Output.Add(Value("present_key", type, "B", kvNumHeads, "Present", "D"));
        graph.Output.Add(Value("present_value", type, "B", kvNumHeads, "Present", "D"));
        return Model(graph);
    }

    /// <summary>
    /// com.microsoft MultiHeadAttention without mask or cache: query <c>[B, Sq, H·D]</c>, key/value
    /// <c>[B, Sk, H·D]</c> → output <c>[B, Sq, H·D]</c>; every query sees every key.
    /// </summary>
    public static byte[] MultiHeadAttention(TensorProto.Types.DataType type, int numHeads, float scale)
    {
        var node = new NodeProto { Name = "attention", OpType = "MultiHeadAttention", Domain = MicrosoftDomain };
        node.Input.Add(new[] { "query", "key", "value" });
        node.Output.Add("output");
        node.Attribute.Add(Int("num_heads", numHeads));
        node.Attribute.Add(Float("scale", scale));

        var graph = new GraphProto { Name = "mha" };
        graph.Node.Add(node);
        graph.Input.Add(Value("query", type, "B", "Sq", "Hidden"));
        graph.Input.Add(Value("key", type, "B", "Sk", "Hidden"));
        graph.Input.Add(Value("value", type, "B", "Sk", "Hidden"));
        graph.Output.Add(Value("output", type, "B", "Sq", "Hidden"));
        return Model(graph);
    }

    private static byte[] Model(GraphProto graph)
    {
        var model = new ModelProto
        {
            IrVersion = 8, // ONNX 1.10+; every ONNX Runtime of the last years reads it
            ProducerName = "TensorDsl.Bench",
            ProducerVersion = "1",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        return model.ToByteArray();
    }

    private static AttributeProto Int(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Float(string name, float value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A tensor input/output; each dimension is a size (int) or a symbol (string).</summary>
    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                _ => throw new ArgumentException($"dimension {dim} is neither a size nor a symbol"),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
