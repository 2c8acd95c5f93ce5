using System;
using TensorDsl.Bench;
using TensorDsl.Bench.Torch;

// bench/TensorDsl.Bench with PyTorch's scaled_dot_product_attention as a third side (docs/benchmarks.md, "PyTorch SDPA
// (opt-in)"): the same options, cases, inputs and timing; one more table after the usual one.
NativeLoad.Prepare();
TorchPeer peer;
try
{
    peer = new TorchPeer();
}
catch (Exception exception)
{
    Console.Error.WriteLine($"TorchSharp/LibTorch did not load: {exception.GetType().Name}: {exception.Message}");
    return 1;
}

return BenchMain.Run(args, [peer]);
