using System;
using System.CommandLine;
using System.CommandLine.Help;
using TensorDsl.Cli.Commands;

// tensordsl (docs/cli.md): `run` a built-in kernel on .npy files, list the `kernels`, run the `bench` table, and
// `spyre plan|emit` a Spyre kernel's bucket plan, PyTorch program and tensor layouts.
// Exit codes: 0 success; 1 a bad input (one line on stderr, no stack trace); 2 a bad command line (System.CommandLine's
// message); 70 an internal error (one line). A bench mismatch exits with the bench's own code.
// A plain Command named "tensordsl" rather than RootCommand, whose name is the executable's (TensorDsl.Cli): usage lines
// must show the command a user types. RootCommand's help and version options are added by hand.
var root = new Command("tensordsl", "Run TensorDsl's built-in attention kernels on NumPy .npy files, the benchmark table, and the Spyre target's bucket plan and PyTorch program.")
{
    new HelpOption(),
    new VersionOption(),
    RunCommand.Create(),
    KernelsCommand.Create(),
    BenchCommand.Create(),
    SpyreCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine("tensordsl: " + error.Message);
    }

    Console.Error.WriteLine("Run 'tensordsl --help' (or '<command> --help') for usage.");
    return 2;
}

return parsed.Invoke();
