namespace MmsMpi;

/// <summary>
/// A problem with the user's input or environment (missing MS, existing output, bad parameter).
/// The CLI prints its message as one line and exits non-zero; no stack trace.
/// </summary>
public sealed class UserError(string message) : Exception(message);
