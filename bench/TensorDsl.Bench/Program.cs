using TensorDsl.Bench;

// The benchmark (docs/benchmarks.md); BenchMain runs it. No peers here: bench/TensorDsl.Bench.Torch runs the same
// program with PyTorch's SDPA as a third side.
return BenchMain.Run(args, []);
