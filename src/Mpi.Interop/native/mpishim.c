/* Thin MPI shim for .NET: only ints, doubles and pointers cross, so one C# binding serves Open MPI and MPICH
 * (their handle types and constants differ; they are resolved here at compile time).
 * Communicator: MPI_COMM_WORLD only. Source/tag -1 means "any". Every function returns an MPI error code
 * (MPI_SUCCESS = 0) unless noted; errors are returned, not fatal (MPI_ERRORS_RETURN is set by mshim_init).
 * Byte counts are int: a .NET span holds at most INT_MAX bytes, so one MPI message always suffices;
 * probes report the true 64-bit size so the caller can refuse larger foreign messages clearly. */
#include <mpi.h>
#include <string.h>

#define SRC(s) ((s) == -1 ? MPI_ANY_SOURCE : (s))
#define TAG(t) ((t) == -1 ? MPI_ANY_TAG : (t))

/* Initialises MPI with MPI_THREAD_FUNNELED; *provided receives the granted thread level
 * (0 single, 1 funneled, 2 serialized, 3 multiple, normalised across MPI libraries). */
int mshim_init(int *provided)
{
    int level, rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &level);
    if (rc != MPI_SUCCESS) return rc;
    *provided = level == MPI_THREAD_SINGLE ? 0 : level == MPI_THREAD_FUNNELED ? 1 : level == MPI_THREAD_SERIALIZED ? 2 : 3;
    return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

int mshim_finalize(void) { return MPI_Finalize(); }
int mshim_initialized(int *flag) { return MPI_Initialized(flag); }
int mshim_finalized(int *flag) { return MPI_Finalized(flag); }
int mshim_rank(int *rank) { return MPI_Comm_rank(MPI_COMM_WORLD, rank); }
int mshim_size(int *size) { return MPI_Comm_size(MPI_COMM_WORLD, size); }
int mshim_send(const void *buf, int count, int dest, int tag) { return MPI_Send(buf, count, MPI_BYTE, dest, tag, MPI_COMM_WORLD); }
int mshim_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
int mshim_bcast(void *buf, int count, int root) { return MPI_Bcast(buf, count, MPI_BYTE, root, MPI_COMM_WORLD); }
int mshim_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
double mshim_wtime(void) { return MPI_Wtime(); }

static int status_out(const MPI_Status *st, int *source, int *tag, long long *count)
{
    MPI_Count n;
    int rc = MPI_Get_elements_x(st, MPI_BYTE, &n);
    *source = st->MPI_SOURCE;
    *tag = st->MPI_TAG;
    *count = n;
    return rc;
}

/* Blocking probe: waits for a matching message and reports its actual source, tag and byte count. */
int mshim_probe(int source, int tag, int *gotSource, int *gotTag, long long *count)
{
    MPI_Status st;
    int rc = MPI_Probe(SRC(source), TAG(tag), MPI_COMM_WORLD, &st);
    return rc != MPI_SUCCESS ? rc : status_out(&st, gotSource, gotTag, count);
}

/* Non-blocking probe: *flag is 1 (and the out values are set) when a matching message is pending. */
int mshim_iprobe(int source, int tag, int *flag, int *gotSource, int *gotTag, long long *count)
{
    MPI_Status st;
    int rc = MPI_Iprobe(SRC(source), TAG(tag), MPI_COMM_WORLD, flag, &st);
    return rc != MPI_SUCCESS || !*flag ? rc : status_out(&st, gotSource, gotTag, count);
}

/* Receives exactly count bytes (a larger message is an MPI_ERR_TRUNCATE error). */
int mshim_recv(void *buf, int count, int source, int tag)
{
    return MPI_Recv(buf, count, MPI_BYTE, SRC(source), TAG(tag), MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

static int copy_out(const char *text, int n, char *buf, int len)
{
    if (len <= 0) return -1;
    n = n < len - 1 ? n : len - 1;
    memcpy(buf, text, n);
    buf[n] = 0;
    return n;
}

/* Copies the processor (host) name, NUL-terminated, into buf; returns its length or -1 on error. */
int mshim_processor_name(char *buf, int len)
{
    char name[MPI_MAX_PROCESSOR_NAME];
    int n;
    return MPI_Get_processor_name(name, &n) == MPI_SUCCESS ? copy_out(name, n, buf, len) : -1;
}

/* Copies MPI's text for an error code, NUL-terminated, into buf; returns its length or -1 on error. */
int mshim_error_string(int code, char *buf, int len)
{
    char text[MPI_MAX_ERROR_STRING];
    int n;
    return MPI_Error_string(code, text, &n) == MPI_SUCCESS ? copy_out(text, n, buf, len) : -1;
}
