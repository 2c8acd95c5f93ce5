namespace TensorDsl.Tests.Cpu.Parallel;

/// <summary>
/// Tests that change process-wide state (<see cref="AttentionOptions.ThreadCount"/>) or need the thread pool to
/// themselves (timing-sensitive scheduling checks). xunit runs test classes in parallel by default (this project has no
/// xunit.runner.json), so these classes share one collection that runs alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "Process-wide state: thread count and thread pool";
}
