namespace MmsMpi.Mpi;

/// <summary>Raised when an MPI call fails; the message carries MPI's own error string.</summary>
public sealed class MpiException(string message, int errorCode = 0) : Exception(message)
{
    /// <summary>The MPI error code (0 when the failure was detected by this binding, not by MPI).</summary>
    public int ErrorCode { get; } = errorCode;

    /// <summary>Throws an <see cref="MpiException"/> for a failed MPI call (<paramref name="rc"/> != MPI_SUCCESS).</summary>
    internal static void Check(int rc, string call)
    {
        if (rc != 0)
            throw new MpiException($"{call} failed: {ErrorString(rc)}", rc);
    }

    private static unsafe string ErrorString(int rc) =>
        Native.ReadString((buf, len) => Native.mshim_error_string(rc, buf, len)) ?? $"MPI error {rc}";
}
