using System;
using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;

namespace TensorDsl.Bench.Onnx;

/// <summary>
/// One ONNX Runtime session on the CPU execution provider with the benchmark's thread count, and the calls bound
/// to it. Every input and output is bound with an <see cref="OrtIoBinding"/> to arrays the benchmark owns, so a
/// timed call copies nothing in or out and allocates no output.
/// </summary>
internal sealed class OrtAttention : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _runOptions = new();
    private readonly List<OrtCall> _calls = new();

    public OrtAttention(byte[] model, int threads)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,   // the calling thread included, as AttentionOptions.ThreadCount
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(model, _options);
    }

    /// <summary>A new set of bindings on this session (one per shape the case runs).</summary>
    public OrtCall NewCall()
    {
        var call = new OrtCall(_session, _session.CreateIoBinding(), _runOptions);
        _calls.Add(call);
        return call;
    }

    public void Dispose()
    {
        foreach (var call in _calls)
        {
            call.Dispose();
        }

        _session.Dispose();
        _options.Dispose();
        _runOptions.Dispose();
    }
}

/// <summary>The inputs and outputs of one call, bound to the benchmark's arrays (pinned while bound).</summary>
internal sealed class OrtCall : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions;
    private readonly List<OrtValue> _values = new();

    internal OrtCall(InferenceSession session, OrtIoBinding binding, RunOptions runOptions)
    {
        _session = session;
        _binding = binding;
        _runOptions = runOptions;
    }

    public OrtCall Input<T>(string name, Memory<T> data, params long[] shape) where T : unmanaged
    {
        _binding.BindInput(name, Tensor(data, shape));
        return this;
    }

    public OrtCall Output<T>(string name, Memory<T> data, params long[] shape) where T : unmanaged
    {
        _binding.BindOutput(name, Tensor(data, shape));
        return this;
    }

    /// <summary>
    /// Binds one buffer as both an input and an output (GroupQueryAttention's past and present cache): the kernel
    /// sees the same address on both sides, appends the new tokens in place and copies nothing else.
    /// </summary>
    public OrtCall Shared<T>(string input, string output, Memory<T> data, params long[] shape) where T : unmanaged
    {
        var value = Tensor(data, shape);
        _binding.BindInput(input, value);
        _binding.BindOutput(output, value);
        return this;
    }

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    private OrtValue Tensor<T>(Memory<T> data, long[] shape) where T : unmanaged
    {
        var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data, shape);
        _values.Add(value);
        return value;
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }
    }
}
