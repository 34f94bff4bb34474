using BenchmarkDotNet.Running;

namespace MmsMpi.Kernels.Bench;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
